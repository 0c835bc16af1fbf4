// The person behind an inbound message or a typed name: found by channel identity, then
// email, then phone; new keys are attached to the found contact; created otherwise.
//
// Concurrency: two processes seeing the same new person race on the unique keys
// (workspace+channel+externalId, workspace+email, workspace+phone). Keys are claimed with
// INSERT ... ON CONFLICT DO NOTHING (createMany skipDuplicates), which never aborts the
// surrounding transaction; the loser deletes its fresh contact and re-reads the winner's.
import type { Channel } from '../../prisma/generated/enums.js';
import type { Contact, Identity } from '../../prisma/generated/client.js';
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { isSystemActor } from '../actor.js';
import type { Tx } from '../db.js';
import { inTx } from '../db.js';
import { invalid } from '../errors.js';
import { recordChange } from '../audit.js';
import { normalizeEmail } from './normalize-email.js';
import { normalizePhone } from './normalize-phone.js';
import { findOrCreateCompany } from './find-or-create-company.js';
import { resolveLiveContact } from './resolve-contact.js';

export interface IdentityInput {
  channel: Channel;
  externalId: string;
  chatId?: string | null;
  displayName?: string | null;
  username?: string | null;
  languageCode?: string | null;
}

export interface FindOrCreateContactInput {
  identity?: IdentityInput;
  email?: string | null;
  phone?: string | null;
  name?: string | null;
  company?: string | null;
  /**
   * For an existing contact, also fill its empty fields: the name when it is still a
   * placeholder (an address, a phone, the chat id) and the company when it has none.
   * What a manager set is never overwritten. Email and phone are always attached as keys.
   */
  fillEmpty?: boolean;
}

export interface FindOrCreateContactResult {
  contact: Contact;
  created: boolean;
  identity?: Identity;
}

const MAX_ATTEMPTS = 4;

export async function findOrCreateContact(ctx: CoreContext, actor: Actor, input: FindOrCreateContactInput): Promise<FindOrCreateContactResult> {
  const ws = await ctx.db.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId } });
  const email = input.email ? normalizeEmail(input.email) : null;
  if (input.email && !email) throw invalid('invalid.email', { value: input.email });
  const phone = input.phone ? normalizePhone(input.phone, ws.phoneRegion) : null;
  if (input.phone && !phone) throw invalid('invalid.phone', { value: input.phone });
  const identity = input.identity ? { ...input.identity, externalId: String(input.identity.externalId).trim() } : undefined;
  if (identity && !identity.externalId) throw invalid('invalid.empty', { field: 'externalId' });
  if (!identity && !email && !phone && !input.name?.trim()) throw invalid('contacts.invalid.no_identity');

  const companyId = input.company?.trim() ? (await findOrCreateCompany(ctx, actor, { name: input.company })).company.id : null;
  const keys: Keys = { identity, email, phone, name: input.name?.trim() || null, companyId, fillEmpty: input.fillEmpty === true };

  for (let attempt = 1; ; attempt++) {
    try {
      const result = await inTx(ctx.db, (tx) => attemptOnce(tx, actor, keys));
      if (result) return result;
    } catch (e) {
      // the plain-client path: a unique violation or a deadlock with another creator
      // rolled the attempt back; read again
      if (!isRetryable(e) || attempt >= MAX_ATTEMPTS) throw e;
    }
    if (attempt >= MAX_ATTEMPTS) throw new Error('findOrCreateContact: could not settle a concurrent create');
  }
}

function isRetryable(e: unknown): boolean {
  const err = e as { code?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } }; message?: string };
  if (err.code === 'P2002' || err.code === 'P2034') return true;
  return /deadlock detected|could not serialize/i.test(String(err.message ?? ''));
}

interface Keys {
  identity?: IdentityInput;
  email: string | null;
  phone: string | null;
  name: string | null;
  companyId: number | null;
  fillEmpty: boolean;
}

/** One try; null means "lost a race, read again". */
async function attemptOnce(tx: Tx, actor: Actor, keys: Keys): Promise<FindOrCreateContactResult | null> {
  const workspaceId = actor.workspaceId;
  const existing = await findExisting(tx, workspaceId, keys);
  if (existing) {
    const identity = await attachKeys(tx, actor, existing, keys);
    return { contact: existing, created: false, identity };
  }

  const name = keys.name || keys.identity?.displayName?.trim() || keys.identity?.username || keys.email || keys.phone || keys.identity?.externalId || '?';
  const contact = await tx.contact.create({
    data: {
      workspaceId,
      name,
      nameKey: name.toLowerCase(),
      companyId: keys.companyId,
      ownerId: isSystemActor(actor) ? null : actor.userId,
    },
  });
  // claim every key; losing any one means someone else has this person already
  if (keys.identity && !(await claimIdentity(tx, workspaceId, contact.id, keys.identity))) return abandon(tx, contact.id);
  if (keys.email && !(await claimEmail(tx, workspaceId, contact.id, keys.email))) return abandon(tx, contact.id);
  if (keys.phone && !(await claimPhone(tx, workspaceId, contact.id, keys.phone))) return abandon(tx, contact.id);

  const identity = keys.identity
    ? ((await tx.identity.findUnique({
        where: { workspaceId_channel_externalId: { workspaceId, channel: keys.identity.channel, externalId: keys.identity.externalId } },
      })) ?? undefined)
    : undefined;
  await recordChange(
    tx,
    actor,
    { type: 'contact.created', contactId: contact.id, data: { channel: keys.identity?.channel ?? null } },
    { action: 'contact.create', entity: 'contact', entityId: contact.id, after: { ...contact, email: keys.email, phone: keys.phone } },
  );
  return { contact, created: true, identity };
}

async function abandon(tx: Tx, contactId: number): Promise<null> {
  // cascades to the keys this attempt did claim
  await tx.contact.delete({ where: { id: contactId } });
  return null;
}

async function findExisting(tx: Tx, workspaceId: number, keys: Keys): Promise<Contact | null> {
  if (keys.identity) {
    const found = await tx.identity.findUnique({
      where: { workspaceId_channel_externalId: { workspaceId, channel: keys.identity.channel, externalId: keys.identity.externalId } },
    });
    if (found?.contactId) {
      const live = await resolveLiveContact(tx, workspaceId, found.contactId);
      if (live) return live;
    }
  }
  if (keys.email) {
    const found = await tx.contactEmail.findUnique({ where: { workspaceId_email: { workspaceId, email: keys.email } } });
    if (found) {
      const live = await resolveLiveContact(tx, workspaceId, found.contactId);
      if (live) return live;
    }
  }
  if (keys.phone) {
    const found = await tx.contactPhone.findUnique({ where: { workspaceId_phone: { workspaceId, phone: keys.phone } } });
    if (found) {
      const live = await resolveLiveContact(tx, workspaceId, found.contactId);
      if (live) return live;
    }
  }
  return null;
}

/** Adds the identity/email/phone the contact does not have yet (keys owned by someone else stay there). */
async function attachKeys(tx: Tx, actor: Actor, contact: Contact, keys: Keys): Promise<Identity | undefined> {
  const workspaceId = actor.workspaceId;
  const added: string[] = [];
  let identity: Identity | undefined;
  if (keys.identity) {
    const where = { workspaceId_channel_externalId: { workspaceId, channel: keys.identity.channel, externalId: keys.identity.externalId } };
    const found = await tx.identity.findUnique({ where });
    if (!found) {
      if (await claimIdentity(tx, workspaceId, contact.id, keys.identity)) added.push('identity');
      identity = (await tx.identity.findUnique({ where })) ?? undefined;
    } else if (found.contactId === null && found.userId === null) {
      identity = await tx.identity.update({ where: { id: found.id }, data: { contactId: contact.id } });
      added.push('identity');
    } else if (found.contactId !== null && found.contactId !== contact.id) {
      // identity of a merged contact: move it to the contact that was kept
      const owner = await tx.contact.findUnique({ where: { id: found.contactId } });
      identity = owner?.mergedIntoId ? await tx.identity.update({ where: { id: found.id }, data: { contactId: contact.id } }) : found;
    } else {
      identity = found;
    }
    if (identity && identity.contactId === contact.id) identity = await refreshIdentity(tx, identity, keys.identity);
  }
  if (keys.email && (await claimEmail(tx, workspaceId, contact.id, keys.email))) added.push('email');
  if (keys.phone && (await claimPhone(tx, workspaceId, contact.id, keys.phone))) added.push('phone');
  if (keys.companyId && !contact.companyId) {
    Object.assign(contact, await tx.contact.update({ where: { id: contact.id }, data: { companyId: keys.companyId } }));
    added.push('company');
  }
  if (keys.fillEmpty && keys.name && keys.name !== contact.name && isPlaceholderName(contact.name, keys)) {
    Object.assign(contact, await tx.contact.update({ where: { id: contact.id }, data: { name: keys.name, nameKey: keys.name.toLowerCase() } }));
    added.push('name');
  }
  if (added.length) {
    await recordChange(
      tx,
      actor,
      { type: 'contact.updated', contactId: contact.id, data: { added } },
      {
        action: 'contact.attach',
        entity: 'contact',
        entityId: contact.id,
        after: { added, email: keys.email, phone: keys.phone, identity: keys.identity ?? null },
      },
    );
  }
  return identity;
}

/**
 * A name nobody chose: what attemptOnce falls back to when a contact is created without one
 * (an address, a phone, the chat id, "?"), or one of the identifiers this message brings.
 */
function isPlaceholderName(name: string, keys: Keys): boolean {
  const n = name.trim().toLowerCase();
  if (!n || n === '?' || n.includes('@') || /^\+?[\d\s().-]{5,}$/.test(n) || /^(phone|message):/.test(n)) return true;
  return [keys.email, keys.phone, keys.identity?.externalId, keys.identity?.username].some((k) => k && k.toLowerCase() === n);
}

/** Keeps chat id, display name, username and language code current. */
async function refreshIdentity(tx: Tx, identity: Identity, input: IdentityInput): Promise<Identity> {
  const data: Partial<Pick<Identity, 'chatId' | 'displayName' | 'username' | 'languageCode'>> = {};
  if (input.chatId && input.chatId !== identity.chatId) data.chatId = input.chatId;
  if (input.displayName && input.displayName !== identity.displayName) data.displayName = input.displayName;
  if (input.username && input.username !== identity.username) data.username = input.username;
  if (input.languageCode && input.languageCode !== identity.languageCode) data.languageCode = input.languageCode;
  if (Object.keys(data).length === 0) return identity;
  return tx.identity.update({ where: { id: identity.id }, data });
}

async function claimIdentity(tx: Tx, workspaceId: number, contactId: number, i: IdentityInput): Promise<boolean> {
  const r = await tx.identity.createMany({
    data: [
      {
        workspaceId,
        contactId,
        channel: i.channel,
        externalId: i.externalId,
        chatId: i.chatId ?? null,
        displayName: i.displayName ?? null,
        username: i.username ?? null,
        languageCode: i.languageCode ?? null,
      },
    ],
    skipDuplicates: true,
  });
  return r.count === 1;
}

async function claimEmail(tx: Tx, workspaceId: number, contactId: number, email: string): Promise<boolean> {
  const r = await tx.contactEmail.createMany({ data: [{ workspaceId, contactId, email }], skipDuplicates: true });
  return r.count === 1;
}

async function claimPhone(tx: Tx, workspaceId: number, contactId: number, phone: string): Promise<boolean> {
  const r = await tx.contactPhone.createMany({ data: [{ workspaceId, contactId, phone }], skipDuplicates: true });
  return r.count === 1;
}
