// POST /api/v1/contacts: find a contact by e-mail, then phone (core/contacts findOrCreateContact,
// the same keys every channel uses), add the keys it lacks and fill its empty fields, or create it.
// When a key given here belongs to another contact (an e-mail on one, the phone on another; the
// same name at the same company), the older record's owner is asked to merge them, with both
// cards and buttons, as when a customer says it in chat (core/chat/merge-offer.ts).
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import type { Outbox } from '../ports.js';
import { findOrCreateContact } from '../contacts/find-or-create-contact.js';
import { getContact } from '../contacts/get-contact.js';
import { loadTeamRecipient } from '../outbound/recipient.js';
import { mergeQuestions } from '../chat/merge-offer.js';
import { contactKeys } from './submit-lead.js';

export interface ContactInput {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
}

/** `outbox`: where the merge questions go once the contact is saved. */
export async function upsertContact(ctx: CoreContext, actor: Actor, input: ContactInput, outbox: Outbox) {
  const ws = await ctx.db.workspace.findUniqueOrThrow({
    where: { id: actor.workspaceId },
    select: { id: true, locale: true, timezone: true, phoneRegion: true },
  });
  const { issues, email, phone } = contactKeys(input, ws.phoneRegion);
  if (issues.length) return { ok: false as const, issues };
  const name = input.name?.trim() || null;
  const company = input.company?.trim() || null;
  const found = await findOrCreateContact(ctx, actor, { email, phone, name, company, fillEmpty: true });
  // a retry after a failed enqueue asks again: nothing else keeps the question until it is queued
  const questions = await mergeQuestions(
    ctx,
    ws,
    found.contact,
    { email, phone, nameAndCompany: Boolean(name && company) },
    (userId) => loadTeamRecipient(ctx, userId),
    { again: true },
  );
  for (const item of questions) await outbox.enqueue(item);
  return { ok: true as const, created: found.created, contact: await getContact(ctx, actor, found.contact.id) };
}
