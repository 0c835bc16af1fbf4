// Lead extraction: from this lead's first customer message only (nothing else of the
// workspace goes to the model) -> name, company, phone, email, need, budget, urgency.
// Every field must be grounded in that message: a name or company the message does not
// contain, or an e-mail/phone that is not in it or already belongs to another contact, is
// dropped; free text is cleaned of foreign contact details. The result is a card; the
// manager's tap applies it (apply-extraction.ts).
import type { CoreContext } from '../context.js';
import { normalizeEmail } from '../contacts/normalize-email.js';
import { normalizePhone } from '../contacts/normalize-phone.js';
import { askModel } from './ask.js';
import { isLeadOpen } from '../leads/lead-access.js';
import { leadExtractionSchema, type LeadExtraction } from './schemas.js';
import { untrustedText } from './untrusted-text.js';
import { guardOutput, guardSource, oneLine } from './output-guard.js';
import { NotYetVisibleError } from './jobs.js';

const INSTRUCTIONS = [
  'A customer wrote to a company for the first time. From the customer\'s message (field "customer_message", with "subject" and "sender_display_name" when known) extract facts about the sender:',
  "name (the sender's own name), company, phone, email, need (what they want, one short sentence in the message's language), budget (as written), urgency (low, normal or high).",
  'Only facts the message states about its sender; null for anything not stated. Do not invent, translate names, or include anything else.',
].join('\n');

export interface ExtractionSource {
  leadId: number;
  contactId: number;
  text: string;
  subject: string | null;
  displayName: string | null;
  region: string | null;
}

/** The lead's first inbound message, cleaned (email: the display text without quotes/signature; HTML: visible text only). */
export async function extractionSource(ctx: CoreContext, workspaceId: number, leadId: number): Promise<ExtractionSource | null> {
  const lead = await ctx.db.lead.findFirst({
    where: { id: leadId, workspaceId },
    include: {
      conversation: { include: { messages: { where: { direction: 'inbound' }, orderBy: { createdAt: 'asc' }, take: 1 } } },
      workspace: { select: { phoneRegion: true, locale: true } },
    },
  });
  if (!lead) throw new NotYetVisibleError(`lead ${leadId}`);
  if (!isLeadOpen(lead.status)) return null;
  const first = lead.conversation?.messages[0];
  const raw = first ? (first.displayText ?? first.text) : (lead.firstMessage ?? '');
  const identity = lead.conversation?.identityId ? await ctx.db.identity.findUnique({ where: { id: lead.conversation.identityId } }) : null;
  const text = untrustedText(raw, 4000);
  if (!text) return null;
  return {
    leadId,
    contactId: lead.contactId,
    text,
    subject: lead.conversation?.subject ? untrustedText(lead.conversation.subject, 200) : null,
    displayName: identity?.displayName ? untrustedText(identity.displayName, 120) : null,
    region: lead.workspace.phoneRegion,
  };
}

const stem = (w: string) => w.slice(0, Math.max(3, w.length - 2));

/** Every word of the value (its stem, allowing Russian endings) occurs in the source. */
function grounded(value: string, source: string): boolean {
  const words = value.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length > 0 && words.every((w) => source.includes(stem(w)));
}

/** Drops what is not in the source and what belongs to someone else; null when nothing is left. */
export async function groundExtraction(ctx: CoreContext, workspaceId: number, src: ExtractionSource, x: LeadExtraction): Promise<LeadExtraction | null> {
  const haystack = [src.text, src.subject, src.displayName].filter(Boolean).join('\n').toLowerCase();
  const digits = haystack.replace(/\D/g, '');
  const guard = guardSource(src.text, src.subject, src.displayName);
  const out: LeadExtraction = { name: null, company: null, phone: null, email: null, need: null, budget: null, urgency: x.urgency };

  if (x.name && grounded(x.name, haystack)) out.name = oneLine(x.name, 120);
  if (x.company && grounded(x.company, haystack)) out.company = oneLine(x.company, 160);
  const email = normalizeEmail(x.email);
  if (email && haystack.includes(email)) {
    const owner = await ctx.db.contactEmail.findUnique({ where: { workspaceId_email: { workspaceId, email } } });
    if (!owner || owner.contactId === src.contactId) out.email = email;
  }
  const phone = normalizePhone(x.phone, src.region);
  if (phone && digits.includes(phone.replace(/\D/g, '').slice(-10))) {
    const owner = await ctx.db.contactPhone.findUnique({ where: { workspaceId_phone: { workspaceId, phone } } });
    if (!owner || owner.contactId === src.contactId) out.phone = phone;
  }
  if (x.need) out.need = oneLine(guardOutput(x.need, guard), 400);
  if (x.budget) out.budget = oneLine(guardOutput(x.budget, guard), 120);
  const any = out.name || out.company || out.phone || out.email || out.need || out.budget || out.urgency;
  return any ? out : null;
}

/** The grounded extraction for a lead, or null (no model, no answer, nothing found). */
export async function extractLead(ctx: CoreContext, workspaceId: number, leadId: number): Promise<{ source: ExtractionSource; fields: LeadExtraction } | null> {
  if (!ctx.llm) return null;
  const source = await extractionSource(ctx, workspaceId, leadId);
  if (!source) return null;
  const answer = await askModel(ctx.llm, {
    instructions: INSTRUCTIONS,
    data: { customer_message: source.text, subject: source.subject, sender_display_name: source.displayName },
    schemaName: 'lead_extraction',
    schema: leadExtractionSchema,
    workspaceId,
  });
  if (!answer) return null;
  const fields = await groundExtraction(ctx, workspaceId, source, answer);
  return fields ? { source, fields } : null;
}
