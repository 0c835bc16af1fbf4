// The one entry point of every transport. A message goes down one pipeline:
//
//   0. the message's files fetched from its channel and stored (core/files/inbound-files.ts)
//   1. a returning customer's message: claimed, stored and forwarded by the intake store in
//      one step (customer-fast-path.ts); nothing else to decide
//   2. who speaks and what the message is for (speaker.ts, addressing.ts), read before the
//      transaction; a brand-new customer's assignee is picked here too
//   3. in one transaction: claim the event, the customer's or the member's turn (or a
//      Business account's or a client group's: business.ts, client-group.ts), store it
//      (its deferred audit rows and its outbox items, kept on the InboundEvent)
//   4. outbox: the turn's items go to the queue after commit (pending-outbox.ts); with
//      deps.queueReplies the replies to the speaker's own chat are among them
//
// Returns the replies for the speaker's own chat (without deps.queueReplies the caller
// renders and sends them).
import type { InboundMessage } from './inbound.js';
import { sanitizeInbound } from './inbound.js';
import type { ChatDeps, Turn } from './turn.js';
import { push } from './turn.js';
import { reply, replyItems, type Reply } from './reply.js';
import { coreContext } from '../context.js';
import { isDomainError, describeError } from '../errors.js';
import { t, resolveLocale, type Locale } from '../i18n/index.js';
import { resolveSpeaker, type Speaker } from './speaker.js';
import { addressing, type Addressing } from './addressing.js';
import { pickAssigneeFast } from './fast-pick.js';
import { handleCustomerMessage } from './customer-flow.js';
import { newCustomerCandidate, returningCustomerStep, newCustomerTurn, intakeMessage, FullTurnNeeded } from './customer-fast-path.js';
import { isUniqueViolation, type DbOrTx } from '../db.js';
import { handleMemberMessage } from './manager.js';
import { handleInviteStart } from './commands/start.js';
import { handleChatEvent } from './chat-event.js';
import { handleBusinessConnection, handleBusinessCustomer, handleBusinessDeleted, handleBusinessOwn } from './business.js';
import { handleGroupButton, handleGroupCustomer, handleGroupEvent, handleGroupMember } from './client-group.js';
import { keyed, releaseTurn, requeuePending, traced } from './pending-outbox.js';
import type { OutboxItem } from '../ports.js';
import type { Lead, Workspace } from '../../prisma/generated/client.js';
import { storeInboundFiles } from '../files/inbound-files.js';

/** What handling a message gave: the replies, and the lead its turn created when the turn knows it (Turn.createdLead). */
export interface InboundOutcome {
  replies: Reply[];
  createdLead?: Lead;
}

export async function handleInbound(deps: ChatDeps, raw: InboundMessage): Promise<Reply[]> {
  return (await handleInboundOutcome(deps, raw)).replies;
}

export async function handleInboundOutcome(deps: ChatDeps, raw: InboundMessage): Promise<InboundOutcome> {
  const now = deps.clock.now();
  // transports validate and clean at the queue; direct callers (console, tests) get the same
  const cleaned = sanitizeInbound(raw, now);
  const workspace = await workspaceOf(deps, cleaned.workspaceId ?? deps.defaultWorkspaceId);
  // 0. its files fetched from the channel and stored (no transaction open; a redelivery finds them stored)
  const message = await storeInboundFiles(deps.files, workspace.id, cleaned);

  // 1. a returning customer with an open lead or deal: one statement, forward queued
  const returning = await returningCustomerStep(deps, workspace, message, now);
  if (returning.done) return { replies: [] };

  // 2. who speaks and what for (no identity at all: a brand-new customer, no lookup needed)
  const speaker: Speaker = returning.newCustomer ? { kind: 'customer', identity: null } : await resolveSpeaker(deps, workspace, message);
  const plan = await planTurn(deps, workspace, message, speaker);
  if (!plan) return { replies: [] };

  // 3. claim, turn, store: one transaction (null: the event was handled before)
  const done = await runTurn(deps, workspace, message, now, plan);

  // 4. outbox
  if (done.replies === null) {
    await requeuePending(deps, message);
    return { replies: [] };
  }
  await releaseTurn(deps, message, done.out);
  return { replies: done.replies, ...(done.createdLead ? { createdLead: done.createdLead } : {}) };
}

const TX_OPTIONS = { maxWait: 15_000, timeout: 30_000 };

interface Plan {
  speaker: Speaker;
  route: Addressing;
  /** the team member who used the message shortcut */
  requester: { identityId: number; locale: Locale } | null;
  /** a brand-new customer's round-robin assignee, picked before the transaction */
  preAssigneeId?: number;
  /** a brand-new customer whose first message takes the one-statement capture */
  fastNewCustomer: boolean;
}

/** Step 2: the route, the shortcut's requester, a new customer's assignee; null when the message is not for Leadline. */
async function planTurn(deps: ChatDeps, workspace: Workspace, message: InboundMessage, speaker: Speaker): Promise<Plan | null> {
  const route = addressing(message, speaker);
  if (route.kind === 'ignore') {
    deps.logger?.info({ dedupeKey: message.dedupeKey, why: route.why }, 'inbound message not for Leadline');
    return null;
  }
  // the message shortcut: only an active team member may turn someone's message into a lead
  const requester = message.origin === 'shortcut' ? await requestingMember(deps, workspace, message) : null;
  if (message.origin === 'shortcut' && !requester) {
    deps.logger?.info({ dedupeKey: message.dedupeKey }, 'shortcut by someone who is not a linked team member: ignored');
    return null;
  }
  // a brand-new customer will almost surely get a lead: their assignee is picked now, in its
  // own short statement (a pick serializes the workspace's picks; never held for a turn)
  const firstContact = route.kind === 'customer' && speaker.kind === 'customer' && !speaker.identity;
  const preAssignee = firstContact ? await pickAssigneeFast(deps, workspace.id) : null;
  return { speaker, route, requester, preAssigneeId: preAssignee?.id, fastNewCustomer: Boolean(preAssignee) && newCustomerCandidate(message) };
}

/** Step 3: the turn in its transaction; replies null when the event was handled before. */
async function runTurn(
  deps: ChatDeps,
  workspace: Workspace,
  message: InboundMessage,
  now: Date,
  plan: Plan,
): Promise<{ replies: Reply[] | null; out: OutboxItem[]; createdLead?: Lead }> {
  let settingsChanged = false;
  const body = async (tx: DbOrTx, lean: boolean) => {
    const turn: Turn = {
      deps,
      ctx: coreContext(tx, { clock: deps.clock, stores: deps.stores, scheduler: deps.scheduler, llm: deps.llm }),
      workspace,
      message,
      now,
      out: [],
      audits: [],
      preAssigneeId: plan.preAssigneeId,
      ...(lean ? { lean } : {}),
    };
    const replies = await claimAndAnswer(turn, plan);
    if (replies === null) return { replies, out: [] };
    const out = traced(message, [...keyed(message, turn.out), ...ownReplies(deps, workspace, message, replies)]);
    await deps.intake.storeTurn(tx, { dedupeKey: message.dedupeKey, pending: out.length > 0 ? out : null, audits: turn.audits, now });
    settingsChanged = Boolean(turn.workspaceChanged);
    return { replies, out, createdLead: turn.createdLead };
  };
  try {
    const done = (await leanTurn(deps, plan, (tx) => body(tx, true))) ?? (await deps.db.$transaction((tx) => body(tx, false), TX_OPTIONS));
    // the next message of this process reads the new settings (other processes within WORKSPACE_TTL_MS)
    if (settingsChanged) forgetWorkspace(deps, workspace.id);
    return done;
  } catch (e) {
    if (!isDomainError(e)) throw e;
    // an expected refusal: the turn rolled back (its outbox items are dropped); record the
    // event so a redelivery stays quiet
    if (!(await deps.intake.claimEvent(deps.db, intakeMessage(workspace.id, message, now)))) return { replies: [], out: [] };
    deps.logger?.info({ dedupeKey: message.dedupeKey, key: e.key }, 'inbound refused');
    if (plan.speaker.kind !== 'member') return { replies: [], out: [] };
    const locale = plan.speaker.actor.locale;
    const replies = [reply(t(locale, 'chat.error', { detail: describeError(e, locale) }))];
    return { replies, out: traced(message, ownReplies(deps, workspace, message, replies)) };
  }
}

/**
 * A brand-new customer's turn on the intake's lean transaction (no ORM work per statement),
 * where the intake has one; null when it does not apply or the turn needs the ORM after all
 * (FullTurnNeeded, or a key claimed meanwhile): rolled back then, nothing of it kept.
 */
async function leanTurn<T>(deps: ChatDeps, plan: Plan, body: (tx: DbOrTx) => Promise<T>): Promise<T | null> {
  if (!plan.fastNewCustomer || !deps.intake.leanTransaction) return null;
  try {
    return await deps.intake.leanTransaction(body);
  } catch (e) {
    if (e instanceof FullTurnNeeded || isUniqueViolation(e)) return null;
    throw e;
  }
}

/** The replies to the speaker's chat as outbox items, when the pipeline queues them (deps.queueReplies). */
function ownReplies(deps: ChatDeps, workspace: Workspace, message: InboundMessage, replies: Reply[]): OutboxItem[] {
  return deps.queueReplies ? replyItems(message.workspaceId ?? workspace.id, message, replies) : [];
}

/** Claims the event, then the member's or the customer's turn; null when the event was handled before. */
async function claimAndAnswer(turn: Turn, plan: Plan): Promise<Reply[] | null> {
  const { deps, message, workspace } = turn;
  if (plan.fastNewCustomer) return newCustomerTurn(turn, plan.preAssigneeId!);
  if (!(await deps.intake.claimEvent(turn.ctx.db, intakeMessage(workspace.id, message, turn.now)))) return null;
  const { speaker, route, requester } = plan;
  if (route.kind === 'chat_event') return handleChatEvent(turn, speaker);
  switch (route.kind) {
    case 'business_connection':
      return handleBusinessConnection(turn, speaker);
    case 'business_customer':
      return handleBusinessCustomer(turn, speaker.identity);
    case 'business_own':
      return handleBusinessOwn(turn);
    case 'business_deleted':
      return handleBusinessDeleted(turn);
    case 'group_event':
      return handleGroupEvent(turn, speaker);
    case 'group_button':
      return handleGroupButton(turn, speaker);
    case 'group_customer':
      return handleGroupCustomer(turn, speaker.identity);
    case 'group_member':
      return speaker.kind === 'member' ? handleGroupMember(turn, speaker) : [];
  }
  // the speaker was read just before the transaction; a customer's own later messages are
  // serialized by the customer flow's lock, and membership does not change within a message
  if (speaker.kind === 'member') {
    if (route.kind === 'not_customer' && requester) {
      push(turn, { identityId: requester.identityId, text: t(requester.locale, 'slack.shortcut.not_customer'), dedupeKey: `notice:${message.dedupeKey}` });
      return [];
    }
    return handleMemberMessage(turn, speaker);
  }
  const locale = resolveLocale(message.languageCode, workspace.locale);
  switch (route.kind) {
    case 'invite':
      return handleInviteStart(turn, speaker.identity);
    case 'not_linked':
      return [reply(t(locale, 'chat.customer.not_linked'))];
    case 'deactivated':
      return [reply(t(resolveLocale(speaker.formerMember?.locale, message.languageCode, workspace.locale), 'team.you_are_deactivated'))];
    case 'button_ignored':
      return [reply(t(locale, 'chat.customer.button_ignored'))];
    case 'welcome':
      return [reply(t(locale, 'chat.customer.welcome'))];
    case 'customer_help':
      return [reply(t(locale, 'chat.customer.help'))];
    default:
      return handleCustomerMessage(turn, speaker.identity);
  }
}

/** Workspace settings change rarely: each process re-reads them at most every few seconds. */
const WORKSPACE_TTL_MS = 5_000;
const workspaces = new WeakMap<object, Map<number, { at: number; ws: Promise<Workspace | null> }>>();

async function workspaceOf(deps: ChatDeps, id: number): Promise<Workspace> {
  let cache = workspaces.get(deps.db);
  if (!cache) workspaces.set(deps.db, (cache = new Map()));
  const hit = cache.get(id);
  // a process cache's age, not domain time: measured on the process's own clock
  const at = Date.now();
  let ws = hit && at - hit.at < WORKSPACE_TTL_MS ? hit.ws : undefined;
  if (!ws) {
    ws = deps.db.workspace.findUnique({ where: { id } });
    cache.set(id, { at, ws });
    ws.catch(() => cache.delete(id));
  }
  const found = await ws;
  if (!found) throw new Error(`inbound message for unknown workspace ${id}`);
  return found;
}

/** Drops the cached row of a workspace whose settings changed. */
function forgetWorkspace(deps: ChatDeps, id: number): void {
  workspaces.get(deps.db)?.delete(id);
}

/** The active team member who used the message shortcut, with where to reach them; null if none. */
async function requestingMember(deps: ChatDeps, workspace: Workspace, m: InboundMessage): Promise<{ identityId: number; locale: Locale } | null> {
  if (!m.requestedBy) return null;
  const who = await resolveSpeaker(deps, workspace, { ...m, externalUserId: m.requestedBy });
  return who.kind === 'member' ? { identityId: who.identity.id, locale: who.actor.locale } : null;
}
