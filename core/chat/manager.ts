// A team member wrote: a button press, a message in a relay thread (answer, command or
// internal note: core/chat/relay-thread.ts), a slash command, or plain language.
import type { Turn } from './turn.js';
import type { Speaker } from './speaker.js';
import type { Reply } from './reply.js';
import { handleAction } from './actions.js';
import { relayToConversation } from './relay.js';
import { parseCommand, findCommand } from './commands/index.js';
import { handlePlainText } from './plain-language.js';
import { say } from './commands/command.js';
import { addThreadNote, internalNote, isThreadNoteCommand, strayCommand, threadArgs, threadSubject } from './relay-thread.js';

export async function handleMemberMessage(turn: Turn, speaker: Extract<Speaker, { kind: 'member' }>): Promise<Reply[]> {
  const { actor, identity } = speaker;
  const m = turn.message;
  turn.speakerIdentityId = identity.id;
  // keep where to reach this member current (a new chat, a changed language)
  if (identity.chatId !== m.externalChatId || identity.unreachable) {
    await turn.ctx.db.identity.update({ where: { id: identity.id }, data: { chatId: m.externalChatId, unreachable: false, unreachableReason: null } });
  }
  if (m.callbackData) return handleAction(turn, actor, m.callbackData);

  const text = m.text.trim();
  if (!text && m.attachments.length === 0) return [];
  const thread = await threadSubject(turn);
  if (!text) {
    // a file without a caption: in a customer's thread it is for the customer
    if (thread?.conversationId) return [await relayToConversation(turn, actor, thread.conversationId, '', thread.leadId, m.attachments)];
    return say(actor, 'files.member_no_thread');
  }
  if (thread) {
    const note = internalNote(text);
    if (note === '') return say(actor, 'chat.relay.note_empty');
    if (note !== null) return addThreadNote(turn, actor, thread, note);
  }
  const command = parseCommand(text);
  if (command) {
    const found = findCommand(command.name);
    if (!found) return say(actor, 'chat.unknown_command', { command: `/${command.name}` });
    if (thread && isThreadNoteCommand(command.name, command.args, thread)) return addThreadNote(turn, actor, thread, command.args);
    const args = thread ? threadArgs(command.name, command.args, thread) : command.args;
    return found.run({ turn, actor, args, name: command.name });
  }
  if (thread) {
    // "/tasks, please": meant as a command, never as the answer
    const stray = strayCommand(text);
    if (stray) return say(actor, 'chat.relay.not_a_command', { command: stray });
  }
  // anything else in a customer's thread is the answer to that customer
  if (thread?.conversationId) return [await relayToConversation(turn, actor, thread.conversationId, m.text, thread.leadId, m.attachments)];
  // what the rules do not understand goes to the fallback given to the engine (AI assist)
  return (await handlePlainText(turn, actor, text)) ?? (await turn.deps.unknownText?.(turn, actor, text)) ?? say(actor, 'chat.not_understood');
}
