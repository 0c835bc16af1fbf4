// What the assistant answers: channel-agnostic text plus button rows. Each transport has a
// renderer (Telegram HTML + inline keyboard, console numbered choices, ...). Text is plain:
// renderers escape it for their markup.
import { createHash } from 'node:crypto';
import type { Button, OutboxItem } from '../ports.js';
import type { InboundMessage } from './inbound.js';

export type { Button };

export interface Reply {
  text: string;
  buttons?: Button[][];
  /** answer in the thread of / quoting this platform message */
  replyToExternalId?: string;
}

export function reply(text: string, buttons?: Button[][]): Reply {
  return buttons && buttons.length ? { text, buttons } : { text };
}

/** Lays buttons out in rows of `perRow`. */
export function buttonRows(buttons: Button[], perRow = 2): Button[][] {
  const rows: Button[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  return rows;
}

/** Dedupe keys are at most 200 characters; longer inbound keys are hashed. */
function replyKey(message: InboundMessage, index: number): string {
  const base = message.dedupeKey.length > 160 ? createHash('sha256').update(message.dedupeKey).digest('hex') : message.dedupeKey;
  return `reply:${base}#${index}`;
}

/**
 * Replies as outbox items for the chat the message came from. They go through the outbound
 * queue like every other message (per-chat spacing and order, per-bot limit, 429s
 * rescheduled), so an inbound worker never waits on a platform limit; the dedupe keys make a
 * re-run of the same inbound job send each reply once.
 */
export function replyItems(workspaceId: number, message: InboundMessage, replies: Reply[]): OutboxItem[] {
  return replies.map((r, i) => {
    const item: OutboxItem = {
      workspaceId,
      chat: { channel: message.channel, chatId: message.externalChatId },
      text: r.text,
      lane: 'interactive',
      dedupeKey: replyKey(message, i),
    };
    if (r.buttons?.length) item.buttons = r.buttons;
    if (r.replyToExternalId) item.replyToExternalId = r.replyToExternalId;
    return item;
  });
}
