// The intake store through the Prisma ORM, one model call per row: the slow twin of
// sql-intake.ts, kept as the readable statement of what those statements do and checked
// against them by one conformance suite (test/integration/db/intake/conformance.test.ts).
// What the ORM cannot say (an advisory lock, FOR NO KEY UPDATE SKIP LOCKED with the
// database clock) both stores run as the same statement (statements.ts).
import type { DbOrTx } from '../../../core/db.js';
import { inTx } from '../../../core/db.js';
import type { AuditEntry } from '../../../core/audit.js';
import type { CustomerIntake, IntakeEvent, NewCustomerInput, NewCustomerResult, OutboxItem, ReturningInput, ReturningResult } from '../../../core/ports.js';
import type { Channel } from '../../../prisma/generated/enums.js';
import * as sql from './statements.js';

const notHandled = (known: boolean): ReturningResult => ({
  known,
  handled: false,
  claimed: false,
  stored: false,
  contactName: '',
  conversationId: 0,
  leadId: null,
  dealId: null,
  ownerId: null,
});

export class OrmCustomerIntake implements CustomerIntake {
  constructor(private readonly db: DbOrTx) {}

  async claimEvent(db: DbOrTx, e: IntakeEvent): Promise<boolean> {
    const { count } = await db.inboundEvent.createMany({
      data: [{ dedupeKey: e.dedupeKey, source: e.channel, receivedAt: e.receivedAt, processedAt: e.now }],
      skipDuplicates: true,
    });
    return count === 1;
  }

  async lockCustomer(tx: DbOrTx, p: { workspaceId: number; customerKey: string }): Promise<void> {
    await sql.lockCustomer.query(tx, p);
  }

  async lockAndClaim(tx: DbOrTx, e: IntakeEvent & { workspaceId: number; customerKey: string }): Promise<boolean> {
    await this.lockCustomer(tx, e);
    return this.claimEvent(tx, e);
  }

  forwardReturning(m: ReturningInput): Promise<ReturningResult> {
    const channel = m.channel as Channel;
    return inTx(this.db, async (tx) => {
      const identity = await tx.identity.findUnique({
        where: { workspaceId_channel_externalId: { workspaceId: m.workspaceId, channel, externalId: m.externalUserId } },
        include: { contact: true },
      });
      if (!identity) return notHandled(false);
      const contact = identity.contact;
      const sameChat = identity.chatId === m.chatId && (m.languageCode === null || identity.languageCode === m.languageCode);
      if (
        identity.userId !== null ||
        identity.unreachable ||
        !contact ||
        contact.workspaceId !== m.workspaceId ||
        contact.mergedIntoId !== null ||
        contact.erasedAt !== null ||
        !sameChat
      ) {
        return notHandled(true);
      }
      const conversation = await tx.conversation.findFirst({
        // a Business account's or a client group's conversation is not the bot's chat with them
        where: { contactId: contact.id, workspaceId: m.workspaceId, channel, status: 'open', businessConnectionId: null, groupId: null },
        orderBy: { lastMessageAt: 'desc' },
      });
      const lead = await tx.lead.findFirst({
        where: { contactId: contact.id, status: { in: [...m.openLeadStatuses] } },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
      const deal = lead
        ? null
        : await tx.deal.findFirst({ where: { contactId: contact.id, workspaceId: m.workspaceId, status: 'open' }, orderBy: { id: 'desc' } });
      if (!conversation || (!lead && !deal)) return notHandled(true);

      const seen = await tx.message.findFirst({ where: { workspaceId: m.workspaceId, channel, externalId: m.messageExternalId }, select: { id: true } });
      const claim = await tx.inboundEvent.createMany({
        data: [
          {
            dedupeKey: m.dedupeKey,
            source: m.channel,
            receivedAt: m.receivedAt,
            processedAt: m.now,
            // the forward is derived again on a redelivery; not for a message stored already
            ...(seen ? {} : { pendingOutbox: { forward: true } }),
          },
        ],
        skipDuplicates: true,
      });
      const claimed = claim.count === 1;
      let stored = false;
      if (claimed) {
        const inserted = await insertInboundMessage(tx, m, conversation.id, channel);
        stored = inserted.count === 1;
        if (stored) await tx.conversation.update({ where: { id: conversation.id }, data: { lastMessageAt: m.now, identityId: identity.id } });
      }
      return {
        known: true,
        handled: true,
        claimed,
        stored,
        contactName: contact.name,
        conversationId: conversation.id,
        leadId: lead?.id ?? null,
        dealId: lead ? null : (deal?.id ?? null),
        ownerId: lead ? lead.assigneeId : (deal?.ownerId ?? null),
      };
    });
  }

  async captureNewCustomer(tx: DbOrTx, m: NewCustomerInput): Promise<NewCustomerResult | null> {
    const channel = m.channel as Channel;
    const taken = await tx.identity.findUnique({
      where: { workspaceId_channel_externalId: { workspaceId: m.workspaceId, channel, externalId: m.externalUserId } },
      select: { id: true },
    });
    const assignee = await tx.user.findFirst({ where: { id: m.assigneeId, workspaceId: m.workspaceId, active: true }, select: { id: true } });
    const emailTaken = m.email ? await tx.contactEmail.findUnique({ where: { workspaceId_email: { workspaceId: m.workspaceId, email: m.email } } }) : null;
    const phoneTaken = m.phone ? await tx.contactPhone.findUnique({ where: { workspaceId_phone: { workspaceId: m.workspaceId, phone: m.phone } } }) : null;
    if (taken || !assignee || emailTaken || phoneTaken) return null;
    const contact = await tx.contact.create({
      data: { workspaceId: m.workspaceId, name: m.contactName, nameKey: m.contactName.toLowerCase(), createdAt: m.now, updatedAt: m.now },
    });
    if (m.email) await tx.contactEmail.create({ data: { workspaceId: m.workspaceId, contactId: contact.id, email: m.email, createdAt: m.now } });
    if (m.phone) await tx.contactPhone.create({ data: { workspaceId: m.workspaceId, contactId: contact.id, phone: m.phone, createdAt: m.now } });
    const identity = await tx.identity.create({
      data: {
        workspaceId: m.workspaceId,
        channel,
        externalId: m.externalUserId,
        chatId: m.chatId,
        displayName: m.displayName,
        username: m.username,
        languageCode: m.languageCode,
        contactId: contact.id,
        createdAt: m.now,
        updatedAt: m.now,
      },
    });
    const conversation = await tx.conversation.create({
      data: { workspaceId: m.workspaceId, contactId: contact.id, channel, identityId: identity.id, lastMessageAt: m.now, createdAt: m.now },
    });
    await tx.activity.create({
      data: { workspaceId: m.workspaceId, type: 'contact.created', contactId: contact.id, data: { channel: m.channel }, createdAt: m.now },
    });
    const inserted = await insertInboundMessage(tx, m, conversation.id, channel);
    const leadRules = (await tx.automationRule.count({ where: { workspaceId: m.workspaceId, trigger: 'new_lead', enabled: true } })) > 0;
    if (inserted.count === 0) return { contact, identityId: identity.id, conversationId: conversation.id, lead: null, leadRules };
    const lead = await tx.lead.create({
      data: {
        workspaceId: m.workspaceId,
        contactId: contact.id,
        conversationId: conversation.id,
        source: channel,
        status: 'new',
        title: m.leadTitle,
        firstMessage: m.firstMessage,
        assigneeId: m.assigneeId,
        firstResponseDueAt: m.firstResponseDueAt,
        createdAt: m.now,
        updatedAt: m.now,
      },
    });
    await tx.activity.create({
      data: {
        workspaceId: m.workspaceId,
        type: 'lead.created',
        contactId: contact.id,
        leadId: lead.id,
        data: { source: m.channel, assigneeId: m.assigneeId, roundRobin: false },
        createdAt: m.now,
      },
    });
    return { contact, identityId: identity.id, conversationId: conversation.id, lead, leadRules };
  }

  async pickAssignee(p: { workspaceId: number; now: Date }): Promise<{ id: number } | null> {
    const [row] = await sql.pickManager.query(this.db, p);
    return row ?? null;
  }

  async storeTurn(tx: DbOrTx, p: { dedupeKey: string; pending: OutboxItem[] | null; audits: AuditEntry[]; now: Date }): Promise<void> {
    if (p.audits.length > 0) await tx.auditLog.createMany({ data: p.audits.map((a) => ({ ...a, createdAt: p.now })) });
    if (p.pending !== null) await tx.inboundEvent.update({ where: { dedupeKey: p.dedupeKey }, data: { pendingOutbox: p.pending as object[] } });
  }

  async loadPending(dedupeKey: string): Promise<unknown> {
    const row = await this.db.inboundEvent.findUnique({ where: { dedupeKey }, select: { pendingOutbox: true } });
    return row?.pendingOutbox ?? null;
  }

  async clearPending(dedupeKey: string): Promise<void> {
    const row = await this.db.inboundEvent.findUnique({ where: { dedupeKey }, select: { pendingOutbox: true } });
    // a forward marker stays: it is not an item list
    if (Array.isArray(row?.pendingOutbox)) await this.db.inboundEvent.update({ where: { dedupeKey }, data: { pendingOutbox: null as never } });
  }
}

/** The customer's message row (a platform message already stored is skipped: count 0). */
function insertInboundMessage(
  tx: DbOrTx,
  m: Pick<ReturningInput, 'workspaceId' | 'messageExternalId' | 'text' | 'attachments' | 'receivedAt'>,
  conversationId: number,
  channel: Channel,
) {
  return tx.message.createMany({
    data: [
      {
        workspaceId: m.workspaceId,
        conversationId,
        direction: 'inbound',
        channel,
        externalId: m.messageExternalId,
        text: m.text,
        attachments: m.attachments,
        createdAt: m.receivedAt,
      },
    ],
    skipDuplicates: true,
  });
}
