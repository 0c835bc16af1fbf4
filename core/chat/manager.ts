// A team member wrote: a button press, a reply to a pushed customer message (relay), a
// slash command, or plain language.
import type { Turn } from './turn.js';
import type { Speaker } from './speaker.js';
import type { Reply } from './reply.js';
import { handleAction } from './actions.js';
import { relayReply } from './relay.js';
import { parseCommand, findCommand } from './commands/index.js';
import { handlePlainText } from './plain-language.js';
import { say } from './commands/command.js';

export async function handleMemberMessage(turn: Turn, speaker: Extract<Speaker, { kind: 'member' }>): Promise<Reply[]> {
  const { actor, identity } = speaker;
  const m = turn.message;
  turn.speakerIdentityId = identity.id;
  // keep where to reach this member current (a new chat, a changed language)
  if (identity.chatId !== m.externalChatId || identity.unreachable) {
    await turn.ctx.db.identity.update({ where: { id: identity.id }, data: { chatId: m.externalChatId, unreachable: false, unreachableReason: null } });
  }
  if (m.callbackData) return handleAction(turn, actor, m.callbackData);

  const relayed = await relayReply(turn, actor);
  if (relayed) return [relayed];

  const text = m.text.trim();
  if (!text) return [];
  const command = parseCommand(text);
  if (command) {
    const found = findCommand(command.name);
    if (!found) return say(actor, 'chat.unknown_command', { command: `/${command.name}` });
    return found.run({ turn, actor, args: command.args, name: command.name });
  }
  return handlePlainText(turn, actor, text);
}
