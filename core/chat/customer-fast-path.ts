// The two hot shapes of a customer's message, written by the intake store (core/ports.ts
// CustomerIntake; connectors/db/intake) in very few statements:
//
// - a returning customer (identity -> live contact, unchanged chat id and language, not
//   marked unreachable: writing again may make them reachable) with an open conversation and an open lead or deal: ONE statement claims the dedupe key, stores
//   the message, touches the conversation and names the owner to forward to. When the shape
//   does not hold, nothing is written and the message goes through the whole pipeline.
// - a brand-new customer whose round-robin assignee was picked before the transaction: in
//   the turn's transaction, one statement takes the customer's lock and claims the dedupe
//   key, one creates contact (with the e-mail and phone a web form or the API gives, when no
//   contact has them yet), identity, conversation, message and lead; the audit rows are
//   built here from the rows it returns and written with the turn's store step. When that
//   shape fails (the identity exists after all, the assignee left) the full customer flow
//   runs in the same transaction.
//
// Both leave the rows the ORM flow leaves (test/integration/chat/fast-path.test.ts).
import { isOptOutText } from '../mailings/opt-out.js';
import type { InboundMessage } from './inbound.js';
import type { Workspace } from '../../prisma/generated/client.js';
import {
  messageExternalId,
  ackItem,
  acknowledged,
  pushNewLeadNotice,
  forwardItems,
  handleCustomerMessage,
  customerLockKey,
  senderKeys,
} from './customer-flow.js';
import { push, type ChatDeps, type Turn } from './turn.js';
import type { Reply } from './reply.js';
import { messageBody, carriesMore } from './notify.js';
import { firstResponseDueAt, titleFromText, OPEN_LEAD_STATUSES } from '../leads/index.js';
import { t, resolveLocale } from '../i18n/index.js';
import { enqueueAi } from './ai/chat-actions.js';
import { systemActor } from '../actor.js';
import { auditEntry } from '../audit.js';
import { cachedRecipient } from './recipients.js';
import { enqueueAll, keyed, requeuePending, traced } from './pending-outbox.js';
import type { IntakeMessage, NewCustomerInput, NewCustomerResult, OutboxItem } from '../ports.js';
import { inTx, isUniqueViolation } from '../db.js';
import { runNewLeadRules } from '../automation/run-rules.js';

/**
 * A customer's message that may take a fast path: not email, not a mention/command/shortcut, no button, no slash command (/start, /help), nothing said
 * about the sender to fill in, nothing beyond words and files to render and keep (a place, a forward, links, an edit, a chat event),
 * not an album's item (its forward waits for the album, core/chat/albums.ts), not a Business
 * account's or a client group's message (core/chat/business.ts, client-group.ts).
 */
export function fastPathCandidate(m: InboundMessage): boolean {
  return (
    m.channel !== 'email' &&
    !m.origin &&
    !m.sender &&
    !m.callbackData &&
    !m.chatEvent &&
    !m.business &&
    !m.groupChat &&
    !m.mediaGroupId &&
    !carriesMore(m) &&
    !m.text.trim().startsWith('/') &&
    m.externalUserId === m.externalUserId.trim()
  );
}

/**
 * A brand-new customer's message that may take the one-statement capture: a fast-path
 * candidate, or one whose sender details are only a name, an e-mail and a phone (a web form,
 * the REST API: the contact is created with them when no contact has them yet). A company
 * takes the full flow (it finds or creates the company).
 */
export function newCustomerCandidate(m: InboundMessage): boolean {
  if (!m.sender) return fastPathCandidate(m);
  return !m.sender.company?.trim() && fastPathCandidate({ ...m, sender: undefined });
}

/** The message as the intake store writes it. */
export function intakeMessage(workspaceId: number, m: InboundMessage, now: Date): IntakeMessage {
  return {
    workspaceId,
    channel: m.channel,
    dedupeKey: m.dedupeKey,
    receivedAt: new Date(m.receivedAt),
    now,
    externalUserId: m.externalUserId,
    chatId: m.externalChatId,
    messageExternalId: messageExternalId(m.channel, m.externalChatId, m.messageExternalId),
    text: m.text,
    attachments: m.attachments,
  };
}

/** What the returning-customer step did: the message is done, or it goes on (`newCustomer`: nobody has this identity yet). */
export type ReturningStep = { done: true } | { done: false; newCustomer: boolean };

/**
 * A returning customer's message in one statement (shared with concurrent ones), its forward
 * queued; a redelivery queues what its first handling left. Not a candidate, or not that
 * shape: nothing written, the pipeline goes on.
 */
export async function returningCustomerStep(deps: ChatDeps, ws: Workspace, m: InboundMessage, now: Date): Promise<ReturningStep> {
  // an opt-out ("stop") takes the full flow, which marks the contact
  if (!fastPathCandidate(m) || isOptOutText(m.text)) return { done: false, newCustomer: false };
  const r = await deps.intake.forwardReturning({ ...intakeMessage(ws.id, m, now), languageCode: m.languageCode ?? null, openLeadStatuses: OPEN_LEAD_STATUSES });
  if (!r.handled) return { done: false, newCustomer: !r.known };
  const forward = async (): Promise<OutboxItem[]> => {
    if (r.ownerId === null) return [];
    const to = await cachedRecipient(deps.db, deps, r.ownerId);
    if (!to?.identityId) return [];
    const items = forwardItems(
      deps.files,
      { ...to, identityId: to.identityId },
      m,
      r.contactName,
      r.conversationId,
      r.leadId ?? undefined,
      r.dealId ?? undefined,
    );
    return items.map((item) => ({ workspaceId: ws.id, ...item }));
  };
  if (!r.claimed) await requeuePending(deps, m, forward);
  else if (r.stored) {
    const items = await forward();
    if (items.length) await enqueueAll(deps, traced(m, keyed(m, items)));
  }
  return { done: true };
}

/**
 * A brand-new customer's first message in the turn's transaction, with the assignee picked
 * before it: lock + claim, then contact, identity, conversation, message and lead in one
 * statement (the full customer flow when that shape fails). Null when the event was handled
 * before.
 */
export async function newCustomerTurn(turn: Turn, assigneeId: number): Promise<Reply[] | null> {
  const { workspace: ws, message: m } = turn;
  const claimed = await turn.deps.intake.lockAndClaim(turn.ctx.db, { ...intakeMessage(ws.id, m, turn.now), customerKey: customerLockKey(m) });
  if (!claimed) return null;
  const captured = await captureFirstMessage(turn, assigneeId);
  if (captured) return captured;
  if (turn.lean) throw new FullTurnNeeded();
  return handleCustomerMessage(turn, null);
}

/**
 * A lean turn (Turn.lean) met a step that needs the ORM: the shape did not hold, or the
 * workspace has new-lead rules to run. The lean transaction rolls back and the turn runs again
 * in the ORM's.
 */
export class FullTurnNeeded extends Error {
  constructor() {
    super('the turn needs the ORM transaction');
  }
}

/**
 * Contact, identity, conversation, message and lead in one statement, then the audit rows
 * (from the returned rows), the acknowledgement (where the customer has a chat) and the
 * assignee's notification pushed to the turn, the SLA check scheduled and the AI extraction
 * asked for, as handleCustomerMessage does. Null when the shape does not hold (nothing written).
 */
async function captureFirstMessage(turn: Turn, assigneeId: number): Promise<Reply[] | null> {
  const { workspace: ws, message: m, now } = turn;
  // the keys and name the message gives (well-formed ones only, as the full flow takes them)
  const said = senderKeys(m, ws.phoneRegion);
  // the name findOrCreateContact gives a new contact
  const name = said.name || m.displayName?.trim() || m.username || said.email || said.phone || m.externalUserId;
  const text = m.text || messageBody('en', '', m.attachments);
  const due = firstResponseDueAt(ws, now);
  const input: NewCustomerInput = {
    ...intakeMessage(ws.id, m, now),
    displayName: m.displayName ?? null,
    username: m.username ?? null,
    languageCode: m.languageCode ?? null,
    contactName: name,
    email: said.email,
    phone: said.phone,
    assigneeId,
    leadTitle: titleFromText(text) || t(resolveLocale(ws.locale), 'leads.title.from', { name }),
    firstMessage: text || null,
    firstResponseDueAt: due,
  };
  // a lean turn has no savepoint: a key claimed meanwhile fails its transaction, and the turn runs again in the ORM's
  const created = (said.email || said.phone) && !turn.lean ? await captureWithKeys(turn, input) : await turn.deps.intake.captureNewCustomer(turn.ctx.db, input);
  if (!created) return null;
  if (created.leadRules && turn.lean) throw new FullTurnNeeded();
  // what findOrCreateContact and captureLead audit: the created rows
  const system = systemActor(ws);
  turn.audits.push(
    auditEntry(system, {
      action: 'contact.create',
      entity: 'contact',
      entityId: created.contact.id,
      after: { ...created.contact, email: said.email, phone: said.phone },
    }),
  );
  // the same platform message under another dedupe key: already handled
  if (created.lead === null) return [];
  const lead = created.lead;
  turn.audits.push(auditEntry(system, { action: 'lead.create', entity: 'lead', entityId: lead.id, after: lead }));
  // the new-lead automation rules, in the turn's transaction (as captureLead runs them); the
  // capture statement said whether there are any, so a workspace without rules pays nothing
  if (created.leadRules) await runNewLeadRules(turn.ctx, { id: lead.id, workspaceId: ws.id, assigneeId, title: input.leadTitle });
  else turn.createdLead = lead;
  await turn.ctx.scheduler?.scheduleSlaCheck(lead.id, due, { first: true });
  if (acknowledged(m.channel, m.externalChatId, false)) push(turn, ackItem(turn, created.identityId, m.languageCode ?? null));
  await pushNewLeadNotice(turn, { id: lead.id, assigneeId, firstResponseDueAt: due }, name, created.conversationId);
  await enqueueAi(turn, { kind: 'extract', workspaceId: ws.id, leadId: lead.id });
  return [];
}

/**
 * The capture of a contact with an e-mail or phone, in a savepoint: another transaction may
 * claim the same key between the statement's guard and its insert (a form post and an API
 * lead of one person at once, an import). Its unique key then refuses the insert; the
 * savepoint rolls the statement back and the full flow, which finds that contact, runs in
 * the turn's transaction as it goes on.
 */
async function captureWithKeys(turn: Turn, input: NewCustomerInput): Promise<NewCustomerResult | null> {
  try {
    return await inTx(turn.ctx.db, (sp) => turn.deps.intake.captureNewCustomer(sp, input));
  } catch (e) {
    if (isUniqueViolation(e)) return null;
    throw e;
  }
}
