// POST /api/v1/contacts: find a contact by e-mail, then phone (core/contacts findOrCreateContact,
// the same keys every channel uses), add the keys it lacks and fill its empty fields, or create it.
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { findOrCreateContact } from '../contacts/find-or-create-contact.js';
import { getContact } from '../contacts/get-contact.js';
import { contactKeys } from './submit-lead.js';

export interface ContactInput {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
}

export async function upsertContact(ctx: CoreContext, actor: Actor, input: ContactInput) {
  const ws = await ctx.db.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId }, select: { phoneRegion: true } });
  const { issues, email, phone } = contactKeys(input, ws.phoneRegion);
  if (issues.length) return { ok: false as const, issues };
  const found = await findOrCreateContact(ctx, actor, {
    email,
    phone,
    name: input.name?.trim() || null,
    company: input.company?.trim() || null,
    fillEmpty: true,
  });
  return { ok: true as const, created: found.created, contact: await getContact(ctx, actor, found.contact.id) };
}
