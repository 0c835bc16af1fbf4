// The one entry point of every transport: dedupe, decide who speaks, run the customer flow
// or the manager assistant in one transaction, then push collected messages to the outbox.
// Returns the replies for the speaker's own chat (the transport renders and sends them).
// A returning customer with an open lead or deal, and a brand-new customer's first message,
// take the raw-SQL fast paths of customer-fast-path.ts (same rows, a few statements).
import type { InboundMessage } from './inbound.js';
import type { ChatDeps, Turn } from './turn.js';
import type { Reply } from './reply.js';
import { reply } from './reply.js';
import type { DbOrTx } from '../db.js';
import { coreContext } from '../context.js';
import { isDomainError, describeError } from '../errors.js';
import { t, resolveLocale, type Locale } from '../i18n/index.js';
import { resolveSpeaker } from './speaker.js';
import { pickAssigneeFast } from './fast-pick.js';
import { handleCustomerMessage, forwardItem } from './customer-flow.js';
import { fastPathCandidate, forwardReturning, claimNewCustomerEvent, captureFirstMessage } from './customer-fast-path.js';
import { cachedRecipient } from './recipients.js';
import type { Speaker } from './speaker.js';
import { handleMemberMessage } from './manager.js';
import { handleInviteStart } from './commands/start.js';
import { addressing } from './addressing.js';
import { sanitizeInbound } from './inbound.js';
import { push } from './turn.js';
import type { OutboxItem } from '../ports.js';
import type { Workspace } from '../../prisma/generated/client.js';

const TX_OPTIONS = { maxWait: 15_000, timeout: 30_000 };

/** Workspace settings change rarely: each process re-reads them at most every few seconds. */
const WORKSPACE_TTL_MS = 5_000;
const workspaces = new WeakMap<object, Map<number, { at: number; ws: Promise<Workspace | null> }>>();
function workspaceOf(deps: ChatDeps, id: number): Promise<Workspace | null> {
  let cache = workspaces.get(deps.db);
  if (!cache) workspaces.set(deps.db, (cache = new Map()));
  const hit = cache.get(id);
  const now = Date.now();
  if (hit && now - hit.at < WORKSPACE_TTL_MS) return hit.ws;
  const ws = deps.db.workspace.findUnique({ where: { id } });
  cache.set(id, { at: now, ws });
  ws.catch(() => cache.delete(id));
  return ws;
}

/** The active team member who used the message shortcut, with where to reach them; null if none. */
async function requestingMember(deps: ChatDeps, workspace: Workspace, m: InboundMessage): Promise<{ identityId: number; locale: Locale } | null> {
  if (!m.requestedBy) return null;
  const who = await resolveSpeaker(deps.db, workspace, { ...m, externalUserId: m.requestedBy });
  return who.kind === 'member' ? { identityId: who.identity.id, locale: who.actor.locale } : null;
}

/** Claims the dedupe key; false when this event was handled already. Never aborts a transaction. */
async function claimEvent(db: DbOrTx, m: InboundMessage): Promise<boolean> {
  const { count } = await db.inboundEvent.createMany({
    data: [{ dedupeKey: m.dedupeKey, source: m.channel, receivedAt: new Date(m.receivedAt), processedAt: new Date() }],
    skipDuplicates: true,
  });
  return count === 1;
}

/** The items of a handled message with their dedupe keys (stable across a redelivery). */
function keyed(message: InboundMessage, out: OutboxItem[]): OutboxItem[] {
  return out.map((item, i) => ({ ...item, dedupeKey: item.dedupeKey ?? `${message.dedupeKey}#${i}` }));
}

/** Pushes a handled message's items: one call (one queue round trip) when the outbox takes many. */
async function enqueueAll(deps: ChatDeps, items: OutboxItem[]): Promise<void> {
  if (items.length > 1 && deps.outbox.enqueueMany) return deps.outbox.enqueueMany(items);
  for (const item of items) await deps.outbox.enqueue(item);
}

// A turn's outbox items are written to its InboundEvent in the turn's transaction and cleared
// once they are on the queue; a worker that dies in between leaves them for the redelivered job.
const STORE_PENDING_SQL = `UPDATE "InboundEvent" SET "pendingOutbox" = $2::jsonb WHERE "dedupeKey" = $1`;
const CLEAR_PENDING_SQL = `UPDATE "InboundEvent" SET "pendingOutbox" = NULL WHERE "dedupeKey" = $1 AND jsonb_typeof("pendingOutbox") = 'array'`;
const LOAD_PENDING_SQL = `SELECT "pendingOutbox" AS pending FROM "InboundEvent" WHERE "dedupeKey" = $1`;

/**
 * A redelivered event (its dedupe key was claimed before): queue what its first handling
 * left behind. Dedupe keys make this a no-op for items that did get out. `forward` derives a
 * returning customer's forward again (the one-statement path stores only a marker).
 */
async function requeuePending(deps: ChatDeps, message: InboundMessage, forward?: () => Promise<OutboxItem | null>): Promise<void> {
  const [row] = await deps.db.$queryRawUnsafe<Array<{ pending: unknown }>>(LOAD_PENDING_SQL, message.dedupeKey);
  const pending = row?.pending;
  let items: OutboxItem[] = [];
  if (Array.isArray(pending)) items = pending as OutboxItem[];
  else if (forward && pending && typeof pending === 'object' && (pending as { forward?: unknown }).forward === true) {
    const item = await forward();
    if (item) items = [item];
  }
  if (items.length === 0) return;
  deps.logger?.warn({ dedupeKey: message.dedupeKey, items: items.length }, 'redelivered message: queueing what its first handling left behind');
  await enqueueAll(deps, items);
  if (Array.isArray(pending)) await deps.db.$executeRawUnsafe(CLEAR_PENDING_SQL, message.dedupeKey);
}

export async function handleInbound(deps: ChatDeps, raw: InboundMessage): Promise<Reply[]> {
  // transports validate and clean at the queue; direct callers (console, tests) get the same
  const now = deps.clock.now();
  const message = sanitizeInbound(raw, now);
  const workspaceId = message.workspaceId ?? deps.defaultWorkspaceId;
  const workspace = await workspaceOf(deps, workspaceId);
  if (!workspace) throw new Error(`inbound message for unknown workspace ${workspaceId}`);
  /** the turn's outbox items with their dedupe keys, as kept on its InboundEvent */
  let out: OutboxItem[] = [];
  let locale = resolveLocale(message.languageCode, workspace.locale);
  let isMember = false;

  // the hot path: a returning customer with an open lead or deal is one statement (dedupe,
  // message, conversation, owner); anything else falls through with nothing written
  const fast = fastPathCandidate(message);
  let early: Speaker | null = null;
  if (fast) {
    const r = await forwardReturning(deps.db, workspace, message, now);
    if (r.handled) {
      const forward = async (): Promise<OutboxItem | null> => {
        if (r.ownerId === null) return null;
        const to = await cachedRecipient(deps.db, deps.db, r.ownerId);
        if (!to?.identityId) return null;
        const item = forwardItem({ ...to, identityId: to.identityId }, message, r.contactName, r.conversationId, r.leadId ?? undefined, r.dealId ?? undefined);
        return { workspaceId: workspace.id, ...item };
      };
      if (!r.claimed) await requeuePending(deps, message, forward);
      else if (r.stored) {
        const item = await forward();
        if (item) await enqueueAll(deps, keyed(message, [item]));
      }
      return [];
    }
    // no identity at all: a brand-new customer (saves the speaker lookup)
    if (!r.known) early = { kind: 'customer', identity: null };
  }

  // who speaks and what the message is for, read before the transaction
  early ??= await resolveSpeaker(deps.db, workspace, message);
  const speaker = early;
  const route = addressing(message, speaker);
  if (route.kind === 'ignore') {
    deps.logger?.info({ dedupeKey: message.dedupeKey, why: route.why }, 'inbound message not for Leadline');
    return [];
  }
  // the message shortcut: only an active team member may turn someone's message into a lead
  const requester = message.origin === 'shortcut' ? await requestingMember(deps, workspace, message) : null;
  if (message.origin === 'shortcut' && !requester) {
    deps.logger?.info({ dedupeKey: message.dedupeKey }, 'shortcut by someone who is not a linked team member: ignored');
    return [];
  }
  // a brand-new customer will almost surely get a lead, so their round-robin assignee is
  // picked now, in its own short transaction: the pick serializes the workspace's picks,
  // and must not be held for a whole turn
  const firstContact = route.kind === 'customer' && speaker.kind === 'customer' && !speaker.identity;
  const preAssignee = firstContact ? await pickAssigneeFast(coreContext(deps.db, { clock: deps.clock }), workspace.id) : null;

  /** The turn in its transaction; null when the event was handled before. */
  const runTurn = async (turn: Turn): Promise<Reply[] | null> => {
    const tx = turn.ctx.db;
    // a brand-new customer with an assignee: lock + dedupe, then one statement for
    // contact, conversation, message and lead (the full flow when that shape fails)
    if (fast && firstContact && preAssignee) {
      if (!(await claimNewCustomerEvent(tx, workspace.id, message))) return null;
      return (await captureFirstMessage(turn, preAssignee.id)) ?? handleCustomerMessage(turn, null);
    }
    if (!(await claimEvent(tx, message))) return null;
    // read just before the transaction; a customer's own later messages are serialized by
    // the customer flow's lock, and membership does not change within a message's handling
    if (speaker.kind === 'member') {
      isMember = true;
      locale = speaker.actor.locale;
      if (route.kind === 'not_customer' && requester) {
        push(turn, { identityId: requester.identityId, text: t(requester.locale, 'slack.shortcut.not_customer'), dedupeKey: `notice:${message.dedupeKey}` });
        return [];
      }
      return handleMemberMessage(turn, speaker);
    }
    switch (route.kind) {
      case 'invite':
        return handleInviteStart(turn, speaker.identity);
      case 'not_linked':
        return [reply(t(locale, 'chat.customer.not_linked'))];
      case 'button_ignored':
        return [reply(t(locale, 'chat.customer.button_ignored'))];
      case 'welcome':
        return [reply(t(locale, 'chat.customer.welcome'))];
      case 'customer_help':
        return [reply(t(locale, 'chat.customer.help'))];
      default:
        return handleCustomerMessage(turn, speaker.identity);
    }
  };

  let replies: Reply[] | null;
  try {
    replies = await deps.db.$transaction(async (tx) => {
      const turn: Turn = {
        deps,
        ctx: coreContext(tx, { clock: deps.clock, scheduler: deps.scheduler, llm: deps.llm }),
        workspace,
        message,
        now,
        out: [],
        preAssigneeId: preAssignee?.id,
      };
      const result = await runTurn(turn);
      out = keyed(message, turn.out);
      if (result !== null && out.length > 0) await tx.$executeRawUnsafe(STORE_PENDING_SQL, message.dedupeKey, JSON.stringify(out));
      return result;
    }, TX_OPTIONS);
  } catch (e) {
    if (!isDomainError(e)) throw e;
    // an expected refusal: the turn rolled back (its outbox items are dropped); record the
    // event so a redelivery stays quiet
    if (!(await claimEvent(deps.db, message))) return [];
    deps.logger?.info({ dedupeKey: message.dedupeKey, key: e.key }, 'inbound refused');
    return isMember ? [reply(t(locale, 'chat.error', { detail: describeError(e, locale) }))] : [];
  }
  if (replies === null) {
    await requeuePending(deps, message);
    return [];
  }
  if (out.length > 0) {
    await enqueueAll(deps, out);
    await deps.db.$executeRawUnsafe(CLEAR_PENDING_SQL, message.dedupeKey);
  }
  return replies;
}
