// Right to erasure (GDPR art. 17 / 152-FZ art. 21): removes a person's personal data
// everywhere and keeps anonymised aggregates (lead and deal rows, sources, amounts,
// stages, dates) so reports still add up. Idempotent: erasing twice changes nothing more.
import { Prisma } from '../../prisma/generated/client.js';
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { seesWholeTeam, isSystemActor } from '../actor.js';
import { inTx, type Tx } from '../db.js';
import { notFound, forbidden } from '../errors.js';
import { recordChange } from '../audit.js';
import { contactFootprint, auditAboutWhere, activitiesAboutWhere } from './contact-footprint.js';
import { identityFilePrefix, type FileStore } from '../files/file-store.js';

export function erasedContactName(id: number): string {
  return `Erased contact #${id}`;
}

export interface EraseOptions {
  /** the file store: the person's files are deleted with their data (core/files) */
  files?: Pick<FileStore, 'delete' | 'deletePrefix'>;
}

export interface EraseResult {
  contactId: number;
  alreadyErased: boolean;
  erasedAt: Date;
  contactIds: number[];
  leads: number;
  deals: number;
  conversations: number;
  messages: number;
  /** files deleted from the store (those sent and received, and any kept under their accounts) */
  files: number;
}

export async function eraseContact(ctx: CoreContext, actor: Actor, id: number, options: EraseOptions = {}): Promise<EraseResult> {
  // erasing is irreversible: heads of sales and admins only
  if (!seesWholeTeam(actor) && !isSystemActor(actor)) throw forbidden('what.contact', { id });
  return inTx(ctx.db, async (tx) => {
    const contact = await tx.contact.findFirst({ where: { id, workspaceId: actor.workspaceId } });
    if (!contact) throw notFound('what.contact', { id });
    const f = await contactFootprint(tx, actor.workspaceId, id);
    if (contact.erasedAt) {
      return {
        contactId: id,
        alreadyErased: true,
        erasedAt: contact.erasedAt,
        contactIds: f.contactIds,
        leads: 0,
        deals: 0,
        conversations: 0,
        messages: 0,
        files: 0,
      };
    }
    const now = ctx.clock.now();
    const terms = await personalTerms(tx, f.contactIds);

    for (const cid of f.contactIds) {
      const name = erasedContactName(cid);
      await tx.contact.update({
        where: { id: cid },
        data: { name, nameKey: name.toLowerCase(), position: null, notes: null, tags: [], fields: {}, erasedAt: now },
      });
    }
    const inContacts = { contactId: { in: f.contactIds } };
    // their files, before the rows that name them go: every file of their conversations (what
    // they sent and what the team sent them) and everything kept under their accounts (a file
    // whose message was never stored). Deleted inside the transaction: when the store fails the
    // erasure rolls back and can be run again; a rollback after it leaves rows without files.
    const fileCount = options.files ? await eraseFiles(tx, options.files, actor.workspaceId, f.contactIds, f.conversationIds, f.groupMessageIds) : 0;
    await tx.contactEmail.deleteMany({ where: inContacts });
    await tx.contactPhone.deleteMany({ where: inContacts });
    await tx.identity.deleteMany({ where: inContacts });

    // their own conversations whole, and what they wrote in client groups (the group's other messages are others')
    const messages = await tx.message.updateMany({
      where: { OR: [{ conversationId: { in: f.conversationIds } }, { id: { in: f.groupMessageIds } }] },
      data: { text: '', displayText: null, attachments: [], meta: Prisma.DbNull, externalId: null },
    });
    await tx.conversation.updateMany({ where: { id: { in: f.conversationIds } }, data: { subject: null, threadKey: null, identityId: null } });

    // a person's few leads (erasure is rare): each keeps only its number as the title
    for (const id of f.leadIds) await tx.lead.update({ where: { id }, data: { title: `Lead #${id}`, firstMessage: null, junkReason: null } });
    await scrubTitles(tx, 'deal', f.dealIds, terms);
    await scrubTitles(tx, 'task', f.taskIds, terms);

    await tx.activity.updateMany({
      where: { workspaceId: actor.workspaceId, OR: [{ contactId: { in: f.contactIds } }, { leadId: { in: f.leadIds } }] },
      data: { data: {} },
    });
    // deal and task activities keep their (aggregate) data unless it mentions the person
    const others = await tx.activity.findMany({ where: activitiesAboutWhere(actor.workspaceId, f), select: { id: true, data: true } });
    const mentioning = others.filter((a) => mentions(a.data, terms)).map((a) => a.id);
    if (mentioning.length) await tx.activity.updateMany({ where: { id: { in: mentioning } }, data: { data: {} } });

    // merge questions and records name the matching address or phone and keep the fields before
    await tx.contactMerge.updateMany({
      where: { workspaceId: actor.workspaceId, OR: [{ keepId: { in: f.contactIds } }, { mergeId: { in: f.contactIds } }] },
      data: { matchedOn: null, moved: Prisma.DbNull },
    });

    const audits = await tx.auditLog.findMany({ where: auditAboutWhere(actor.workspaceId, f), select: { id: true, entity: true, before: true, after: true } });
    const scrub = audits.filter(
      (a) => a.entity === 'contact' || a.entity === 'lead' || a.entity === 'conversation' || mentions(a.before, terms) || mentions(a.after, terms),
    );
    if (scrub.length) {
      await tx.auditLog.updateMany({ where: { id: { in: scrub.map((a) => a.id) } }, data: { before: Prisma.DbNull, after: { erased: true } } });
    }

    const result: EraseResult = {
      contactId: id,
      alreadyErased: false,
      erasedAt: now,
      contactIds: f.contactIds,
      leads: f.leadIds.length,
      deals: f.dealIds.length,
      conversations: f.conversationIds.length,
      messages: messages.count,
      files: fileCount,
    };
    await recordChange(
      tx,
      actor,
      { type: 'contact.erased', contactId: id },
      { action: 'contact.erase', entity: 'contact', entityId: id, after: { ...result, erasedAt: now.toISOString() } },
    );
    return result;
  });
}

/** Deletes a person's stored files; resolves to how many went. */
async function eraseFiles(
  tx: Tx,
  store: Pick<FileStore, 'delete' | 'deletePrefix'>,
  workspaceId: number,
  contactIds: number[],
  conversationIds: number[],
  messageIds: number[],
): Promise<number> {
  const rows = await tx.message.findMany({
    where: { OR: [{ conversationId: { in: conversationIds } }, { id: { in: messageIds } }] },
    select: { attachments: true },
  });
  const keys = new Set<string>();
  for (const r of rows) {
    for (const a of Array.isArray(r.attachments) ? (r.attachments as Array<{ storageKey?: unknown }>) : []) {
      if (a && typeof a.storageKey === 'string') keys.add(a.storageKey);
    }
  }
  await store.delete([...keys]);
  let count = keys.size;
  const identities = await tx.identity.findMany({ where: { contactId: { in: contactIds } }, select: { channel: true, externalId: true } });
  for (const i of identities) count += await store.deletePrefix(identityFilePrefix(workspaceId, i.channel, i.externalId));
  return count;
}

/** Lower-cased strings that identify the person: names, emails, phones, account ids. */
async function personalTerms(tx: Tx, contactIds: number[]): Promise<string[]> {
  const contacts = await tx.contact.findMany({
    where: { id: { in: contactIds } },
    include: { emails: true, phones: true, identities: true },
  });
  const terms = new Set<string>();
  for (const c of contacts) {
    terms.add(c.name);
    for (const e of c.emails) terms.add(e.email);
    for (const p of c.phones) {
      terms.add(p.phone);
      terms.add(p.phone.replace(/^\+/, ''));
    }
    for (const i of c.identities) {
      for (const v of [i.externalId, i.chatId, i.displayName, i.username]) if (v) terms.add(v);
    }
  }
  // very short terms would match everywhere
  return [...terms].map((t) => t.trim().toLowerCase()).filter((t) => t.length >= 3);
}

function mentions(value: unknown, terms: string[]): boolean {
  if (value === null || value === undefined) return false;
  const text = (typeof value === 'string' ? value : JSON.stringify(value)).toLowerCase();
  return terms.some((t) => text.includes(t));
}

async function scrubTitles(tx: Tx, kind: 'deal' | 'task', ids: number[], terms: string[]) {
  if (!ids.length) return;
  if (kind === 'deal') {
    const deals = await tx.deal.findMany({ where: { id: { in: ids } }, select: { id: true, title: true, lostReason: true } });
    for (const d of deals) {
      const data: Prisma.DealUpdateInput = {};
      if (mentions(d.title, terms)) Object.assign(data, { title: `Deal #${d.id}`, titleKey: `deal #${d.id}` });
      if (mentions(d.lostReason, terms)) data.lostReason = null;
      if (Object.keys(data).length) await tx.deal.update({ where: { id: d.id }, data });
    }
  } else {
    const tasks = await tx.task.findMany({ where: { id: { in: ids } }, select: { id: true, title: true } });
    for (const t of tasks) if (mentions(t.title, terms)) await tx.task.update({ where: { id: t.id }, data: { title: `Task #${t.id}` } });
  }
}
