// A turn's outbox items are kept on its InboundEvent (in the turn's transaction) until they
// are on the queue, then cleared; a worker that dies in between leaves them for the
// redelivered job, which queues them again (dedupe keys make that a no-op for items that did
// get out). The returning-customer fast path keeps a marker instead ({"forward": true}) and
// the forward is derived again.
import type { InboundMessage } from './inbound.js';
import type { ChatDeps } from './turn.js';
import type { OutboxItem } from '../ports.js';

/** The items of a handled message with their dedupe keys (stable across a redelivery). */
export function keyed(message: InboundMessage, out: OutboxItem[]): OutboxItem[] {
  return out.map((item, i) => ({ ...item, dedupeKey: item.dedupeKey ?? `${message.dedupeKey}#${i}` }));
}

/** The items a handled message caused, each carrying its trace (the request's id, else the message's dedupe key) into the send's logs. */
export function traced(message: InboundMessage, out: OutboxItem[]): OutboxItem[] {
  const traceId = message.traceId ?? message.dedupeKey.slice(0, 128);
  return out.map((item) => (item.traceId ? item : { ...item, traceId }));
}

/** Pushes a handled message's items: one call (one queue round trip) when the outbox takes many. */
export async function enqueueAll(deps: ChatDeps, items: OutboxItem[]): Promise<void> {
  if (items.length > 1 && deps.outbox.enqueueMany) return deps.outbox.enqueueMany(items);
  for (const item of items) await deps.outbox.enqueue(item);
}

/** Queues a committed turn's items, then clears them from its InboundEvent. */
export async function releaseTurn(deps: ChatDeps, message: InboundMessage, items: OutboxItem[]): Promise<void> {
  if (items.length === 0) return;
  await enqueueAll(deps, items);
  await deps.intake.clearPending(message.dedupeKey);
}

/**
 * A redelivered event (its dedupe key was claimed before): queue what its first handling
 * left behind. `forward` derives a returning customer's forward again (the one-statement
 * path stores only a marker).
 */
export async function requeuePending(deps: ChatDeps, message: InboundMessage, forward?: () => Promise<OutboxItem[]>): Promise<void> {
  const pending = await deps.intake.loadPending(message.dedupeKey);
  let items: OutboxItem[] = [];
  if (Array.isArray(pending)) items = pending as OutboxItem[];
  else if (forward && pending && typeof pending === 'object' && (pending as { forward?: unknown }).forward === true) {
    items = await forward();
  }
  if (items.length === 0) return;
  deps.logger?.warn({ dedupeKey: message.dedupeKey, items: items.length }, 'redelivered message: queueing what its first handling left behind');
  await enqueueAll(deps, traced(message, items));
  if (Array.isArray(pending)) await deps.intake.clearPending(message.dedupeKey);
}
