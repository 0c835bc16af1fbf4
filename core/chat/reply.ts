// What the assistant answers: channel-agnostic text plus button rows. Each transport has a
// renderer (Telegram HTML + inline keyboard, console numbered choices, ...). Text is plain:
// renderers escape it for their markup.
import type { Button } from '../ports.js';

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
