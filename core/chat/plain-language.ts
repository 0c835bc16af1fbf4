// Plain language from a manager ("remind me tomorrow at 10 to call Ivan", "move Acme to
// negotiation", "сделка Ромашка 50 000 руб") through the IntentParser. A time that is
// missing or ambiguous is asked back with buttons; nothing is guessed silently.
import type { Actor } from '../actor.js';
import type { Turn } from './turn.js';
import type { Reply } from './reply.js';
import { actOnIntent } from './act-on-intent.js';

/**
 * What the words mean, done; null when the rules do not understand them (the member flow
 * then hands the text to its fallback: AI assist when on, else "not understood").
 * `onlyTasks`: "/remind ...", where only a task (or a question about one) makes sense.
 */
export async function handlePlainText(turn: Turn, actor: Actor, text: string, opts: { onlyTasks?: boolean } = {}): Promise<Reply[] | null> {
  const parser = turn.deps.parser;
  if (!parser) return null;
  const intent = await parser.parse(text, {
    now: turn.now,
    timezone: actor.timezone,
    locale: actor.locale,
    currency: turn.workspace.defaultCurrency ?? undefined,
  });
  if (intent.intent === 'unknown') return null;
  if (opts.onlyTasks && intent.intent !== 'create_task' && intent.intent !== 'clarify') return null;
  return actOnIntent(turn, actor, intent);
}
