// Tags on contacts and companies: a text[] column each (`tags`, GIN-indexed), lower-cased
// words so "VIP", "#vip" and " vip " are one tag. Changing them is audited; reading them is
// part of the contact card. `contactTagsWhere` is the filter searches and segments use:
// every tag given must be on the contact (`@>`, served by the GIN index).
import type { Prisma } from '../../prisma/generated/client.js';
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { seesWholeTeam } from '../actor.js';
import { forbidden, invalid, notFound } from '../errors.js';
import { recordChange } from '../audit.js';
import { contactAccessWhere, visibleContactsWhere } from './contact-visibility.js';

/** Longest tag kept (a button's data carries it: `tag:rm:c:N:<tag>` stays under 64 bytes). */
export const MAX_TAG_LENGTH = 32;
/** Most tags one contact or company holds. */
export const MAX_TAGS = 30;

/** "  #VIP Client " -> "vip-client"; null when nothing usable remains. */
export function normalizeTag(raw: string): string | null {
  const tag = raw
    .normalize('NFC')
    .trim()
    .replace(/^#+/, '')
    .toLowerCase()
    .replaceAll('ё', 'е')
    .replace(/[\s_]+/g, '-')
    .replace(/[^\p{L}\p{N}\-.+&]/gu, '')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (!tag) return null;
  // cut on a character boundary and within the byte budget of a button's data
  let out = '';
  for (const ch of tag) {
    if (Buffer.byteLength(out + ch) > MAX_TAG_LENGTH) break;
    out += ch;
  }
  return out.replace(/-$/, '') || null;
}

/** "vip, wholesale #moscow" -> ["vip", "wholesale", "moscow"] (distinct, in order). */
export function parseTags(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,;\s]+/)) {
    const tag = normalizeTag(part);
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}

/** A spreadsheet cell: "VIP, Fair 2026; web" -> ["vip", "fair-2026", "web"] (commas, semicolons and lines separate). */
export function parseTagCell(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,;\n|]+/)) {
    const tag = normalizeTag(part);
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}

/** Contacts carrying every one of `tags` (normalized first); an empty list filters nothing. */
export function contactTagsWhere(tags: string[]): Prisma.ContactWhereInput {
  const wanted = [...new Set(tags.map(normalizeTag).filter((t): t is string => t !== null))];
  return wanted.length ? { tags: { hasEvery: wanted } } : {};
}

/** Contacts carrying at least one of `tags`. */
export function contactAnyTagWhere(tags: string[]): Prisma.ContactWhereInput {
  const wanted = [...new Set(tags.map(normalizeTag).filter((t): t is string => t !== null))];
  return wanted.length ? { tags: { hasSome: wanted } } : {};
}

/** Companies carrying every one of `tags`. */
export function companyTagsWhere(tags: string[]): Prisma.CompanyWhereInput {
  const wanted = [...new Set(tags.map(normalizeTag).filter((t): t is string => t !== null))];
  return wanted.length ? { tags: { hasEvery: wanted } } : {};
}

export interface TagChange {
  add?: string[];
  remove?: string[];
}

export type TagTarget = { kind: 'contact'; id: number } | { kind: 'company'; id: number };

function applyChange(current: string[], change: TagChange): string[] {
  const remove = new Set((change.remove ?? []).map(normalizeTag).filter(Boolean));
  const next = current.filter((t) => !remove.has(t));
  for (const raw of change.add ?? []) {
    const tag = normalizeTag(raw);
    if (tag && !next.includes(tag)) next.push(tag);
  }
  if (next.length > MAX_TAGS) throw invalid('invalid.too_many_tags', { max: MAX_TAGS });
  return next;
}

/**
 * Adds and removes tags on a contact or a company the actor may see (a manager: a contact
 * they may see, or a company one of whose contacts they may see). Audited when anything
 * changed; returns the tags after the change.
 */
export async function changeTags(
  ctx: CoreContext,
  actor: Actor,
  target: TagTarget,
  change: TagChange,
): Promise<{ tags: string[]; name: string; changed: boolean }> {
  if (target.kind === 'contact') {
    const contact = await ctx.db.contact.findFirst({ where: { id: target.id, workspaceId: actor.workspaceId, mergedIntoId: null, erasedAt: null } });
    if (!contact) throw notFound('what.contact', { id: target.id });
    const visible = await ctx.db.contact.count({ where: contactAccessWhere(actor, target.id) });
    if (!visible) throw forbidden('what.contact', { id: target.id });
    const tags = applyChange(contact.tags, change);
    const changed = tags.join('\n') !== contact.tags.join('\n');
    if (changed) {
      await ctx.db.contact.update({ where: { id: contact.id }, data: { tags } });
      await recordChange(
        ctx.db,
        actor,
        { type: 'contact.tagged', contactId: contact.id, data: { before: contact.tags, after: tags } },
        { action: 'contact.tags', entity: 'contact', entityId: contact.id, before: { tags: contact.tags }, after: { tags } },
      );
    }
    return { tags, name: contact.name, changed };
  }
  const company = await ctx.db.company.findFirst({ where: { id: target.id, workspaceId: actor.workspaceId } });
  if (!company) throw notFound('what.company', { id: target.id });
  if (!seesWholeTeam(actor)) {
    const visible = await ctx.db.contact.count({ where: { AND: [visibleContactsWhere(actor), { companyId: company.id }] } });
    if (!visible) throw forbidden('what.company', { id: target.id });
  }
  const tags = applyChange(company.tags, change);
  const changed = tags.join('\n') !== company.tags.join('\n');
  if (changed) {
    await ctx.db.company.update({ where: { id: company.id }, data: { tags } });
    await recordChange(
      ctx.db,
      actor,
      { type: 'company.tagged', data: { companyId: company.id, before: company.tags, after: tags } },
      { action: 'company.tags', entity: 'company', entityId: company.id, before: { tags: company.tags }, after: { tags } },
    );
  }
  return { tags, name: company.name, changed };
}

/** The workspace's most used contact tags (for "add" buttons), most used first. */
export async function popularTags(ctx: CoreContext, workspaceId: number, limit = 8): Promise<string[]> {
  return ctx.stores.customerValue.popularTags(ctx.db, { workspaceId, limit });
}
