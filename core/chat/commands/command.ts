// A manager command: its names (English and Russian aliases) and what it does.
import type { Actor } from '../../actor.js';
import type { Turn } from '../turn.js';
import type { Reply } from '../reply.js';
import { reply } from '../reply.js';
import { t } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/index.js';

export interface CommandInput {
  turn: Turn;
  actor: Actor;
  /** the text after the command name, trimmed */
  args: string;
  /** the name as typed, lower-cased, without the slash */
  name: string;
}

export interface Command {
  names: string[];
  run(input: CommandInput): Promise<Reply[]>;
}

export function say(actor: Actor, key: MessageKey, params?: Record<string, string | number | null | undefined>): Reply[] {
  return [reply(t(actor.locale, key, params))];
}

export function usage(actor: Actor, text: string): Reply[] {
  return [reply(t(actor.locale, 'chat.usage', { usage: text }))];
}

/** "12", "#12" -> 12; anything else -> null. */
export function parseId(text: string | undefined): number | null {
  const m = /^#?(\d{1,9})$/.exec((text ?? '').trim());
  return m ? Number(m[1]) : null;
}

/** Splits "N rest of text" into the id and the rest. */
export function idAndRest(args: string): { id: number | null; rest: string } {
  const m = /^#?(\d{1,9})(?:\s+([\s\S]*))?$/.exec(args.trim());
  return m ? { id: Number(m[1]), rest: (m[2] ?? '').trim() } : { id: null, rest: args.trim() };
}
