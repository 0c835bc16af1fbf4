// Custom fields on contacts: a JSON object of text values ({"Source": "Fair 2026", "INN":
// "7701..."}) in Contact.fields. Keys keep their spelling (the header of an imported column,
// what a manager typed) and are matched case-insensitively, so "inn" updates "INN". Set or
// cleared from chat (/field) and by import; every change is audited.
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { forbidden, invalid, notFound } from '../errors.js';
import { recordChange } from '../audit.js';
import { contactAccessWhere } from './contact-visibility.js';

export const MAX_FIELD_KEY = 60;
export const MAX_FIELD_VALUE = 1000;
export const MAX_FIELDS = 50;

export type CustomFields = Record<string, string>;

/** The stored JSON as fields (anything not a string value is shown as its JSON text). */
export function readFields(json: unknown): CustomFields {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return {};
  const out: CustomFields = {};
  for (const [k, v] of Object.entries(json)) if (v !== null && v !== undefined) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/** "  Source   of lead " -> "Source of lead"; null when empty. */
export function cleanFieldKey(raw: string): string | null {
  const key = raw.replace(/\s+/g, ' ').trim().slice(0, MAX_FIELD_KEY).trim();
  return key || null;
}

export function cleanFieldValue(raw: string): string | null {
  const value = raw
    .replace(/[^\S\n]+/g, ' ')
    .trim()
    .slice(0, MAX_FIELD_VALUE);
  return value || null;
}

/** The key already used for `key` (case-insensitively), else `key`. */
export function existingKey(fields: CustomFields, key: string): string {
  const lower = key.toLowerCase();
  return Object.keys(fields).find((k) => k.toLowerCase() === lower) ?? key;
}

/** Fields after setting (value) or clearing (null) some keys; undefined when nothing changes. */
export function mergeFields(current: CustomFields, changes: Array<{ key: string; value: string | null }>): CustomFields {
  const next: CustomFields = { ...current };
  for (const c of changes) {
    const key = cleanFieldKey(c.key);
    if (!key) continue;
    const k = existingKey(next, key);
    const value = c.value === null ? null : cleanFieldValue(c.value);
    if (value === null) delete next[k];
    else next[k] = value;
  }
  if (Object.keys(next).length > MAX_FIELDS) throw invalid('invalid.too_many_fields', { max: MAX_FIELDS });
  return next;
}

/** Sets (value) or clears (null) one custom field of a contact the actor may see. */
export async function setContactField(
  ctx: CoreContext,
  actor: Actor,
  contactId: number,
  key: string,
  value: string | null,
): Promise<{ fields: CustomFields; key: string; name: string; changed: boolean }> {
  const cleanKey = cleanFieldKey(key);
  if (!cleanKey) throw invalid('invalid.field_key');
  const contact = await ctx.db.contact.findFirst({ where: { id: contactId, workspaceId: actor.workspaceId, mergedIntoId: null, erasedAt: null } });
  if (!contact) throw notFound('what.contact', { id: contactId });
  if (!(await ctx.db.contact.count({ where: contactAccessWhere(actor, contactId) }))) throw forbidden('what.contact', { id: contactId });
  const before = readFields(contact.fields);
  const fields = mergeFields(before, [{ key: cleanKey, value }]);
  const changed = JSON.stringify(fields) !== JSON.stringify(before);
  if (changed) {
    await ctx.db.contact.update({ where: { id: contactId }, data: { fields } });
    await recordChange(
      ctx.db,
      actor,
      {
        type: 'contact.field_set',
        contactId,
        data: { key: existingKey(before, cleanKey), value: value === null ? null : (fields[existingKey(fields, cleanKey)] ?? null) },
      },
      { action: 'contact.fields', entity: 'contact', entityId: contactId, before: { fields: before }, after: { fields } },
    );
  }
  return { fields, key: existingKey(fields, cleanKey), name: contact.name, changed };
}
