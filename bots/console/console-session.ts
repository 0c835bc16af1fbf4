// One person chatting on the console channel: lines typed become InboundMessages for the
// engine (a number presses the matching button on screen), replies and pushed messages
// are rendered as text with numbered choices.
//
// Replying to a message: a pushed message that asks for an answer (the Reply button's prompt)
// makes the next line typed a reply to it, as a Telegram reply or a Slack thread reply would
// be: the line carries replyToExternalId, and the engine's relay-thread rules decide what it
// is (an answer to the customer, a /command on the thread's lead, a "!note"). While a reply
// is open the prompt shows "↩ [id]>" and the whole line is the answer (numbers too); an
// empty line closes it without sending anything.
import { randomUUID } from 'node:crypto';
import type { ChatDeps } from '../../core/chat/turn.js';
import { handleInbound } from '../../core/chat/handle-inbound.js';
import { parseInboundMessage } from '../../core/chat/inbound.js';
import type { Button } from '../../core/ports.js';
import { renderForConsole } from './console-render.js';
import type { ConsoleEnvelope } from './console-sender.js';

export interface ConsolePerson {
  /** Identity.externalId and chat id on the console channel */
  externalId: string;
  displayName: string;
  languageCode?: string;
  /** a team member (managers answer customers; customers just write) */
  member?: boolean;
}

export class ConsoleSession {
  private choices = new Map<number, Button>();
  private nextChoice = 1;
  private seq = 0;
  /** the pushed message the next line answers */
  private replyTo: string | null = null;

  constructor(
    private readonly deps: ChatDeps,
    readonly person: ConsolePerson,
    private readonly workspaceId: number,
  ) {}

  private remember(buttons: Button[][] | undefined): number {
    const start = this.nextChoice;
    for (const b of (buttons ?? []).flat()) this.choices.set(this.nextChoice++, b);
    return start;
  }

  /** The input prompt: "↩ [id]> " while the next line answers a message, else "> ". */
  get prompt(): string {
    return this.replyTo ? `↩ [${this.replyTo}]> ` : '> ';
  }

  /** Renders a pushed message (from the inbox); one that asks for an answer opens a reply to it. */
  renderPushed(envelope: ConsoleEnvelope): string {
    if (envelope.asksForReply) this.replyTo = envelope.id;
    return renderForConsole(envelope.text, envelope.buttons, this.remember(envelope.buttons), envelope.id).text;
  }

  /** Handles one typed line; returns the text to print (possibly empty). */
  async type(line: string): Promise<string> {
    const text = line.trim();
    const replyTo = this.replyTo;
    this.replyTo = null;
    if (!text) return '';
    const n = !replyTo && /^\d+$/.test(text) ? Number(text) : null;
    const button = n !== null ? this.choices.get(n) : undefined;
    const id = `${Date.now()}-${++this.seq}`;
    const message = parseInboundMessage(
      {
        workspaceId: this.workspaceId,
        channel: 'console',
        externalUserId: this.person.externalId,
        externalChatId: this.person.externalId,
        text: button ? '' : text,
        attachments: [],
        replyToExternalId: replyTo ?? undefined,
        dedupeKey: `console:${this.person.externalId}:${randomUUID()}`,
        receivedAt: new Date().toISOString(),
        displayName: this.person.displayName,
        languageCode: this.person.languageCode,
        callbackData: button?.data,
        messageExternalId: id,
      },
      new Date(),
    );
    const replies = await handleInbound(this.deps, message);
    return replies.map((r) => renderForConsole(r.text, r.buttons, this.remember(r.buttons)).text).join('\n\n');
  }
}
