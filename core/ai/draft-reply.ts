// A suggested reply for a lead's conversation, for the manager to edit or send. It is never
// sent by itself: the card only offers "Send as is" (a tap) or replying with an edited text.
// The model sees this conversation only; without a model a polite template is offered.
import type { CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { t, resolveLocale } from '../i18n/index.js';
import { askModel } from './ask.js';
import { draftSchema } from './schemas.js';
import { guardOutput, guardSource } from './output-guard.js';
import { leadTimeline } from './summarize.js';

const INSTRUCTIONS = [
  'Draft the next reply from a sales manager to a customer, based on the conversation in "timeline" (customer = the customer, team = us).',
  'Be brief, polite and concrete; write in the customer\'s language (see "customer_language"); sign with "manager_name".',
  'Do not promise prices, discounts or dates that the timeline does not contain. Output only the reply text.',
].join('\n');

export async function draftReply(
  ctx: CoreContext,
  actor: Actor,
  leadId: number,
): Promise<{ text: string; customerName: string; contactId: number; conversationId: number | null; byModel: boolean }> {
  const tl = await leadTimeline(ctx, actor, leadId);
  const lead = await ctx.db.lead.findUniqueOrThrow({
    where: { id: leadId },
    include: { contact: { select: { name: true } }, conversation: { select: { identityId: true } } },
  });
  const identity = lead.conversation?.identityId
    ? await ctx.db.identity.findUnique({ where: { id: lead.conversation.identityId }, select: { languageCode: true } })
    : null;
  const customerLocale = resolveLocale(identity?.languageCode, actor.locale);
  const conversationItems = tl.items.filter((i) => i.who !== 'crm').slice(-12);
  const answer = await askModel(ctx.llm, {
    instructions: INSTRUCTIONS,
    data: { customer_language: customerLocale, manager_name: actor.name ?? null, customer_name: tl.heading.customer ?? null, timeline: conversationItems },
    schemaName: 'reply_draft',
    schema: draftSchema,
    workspaceId: actor.workspaceId,
  });
  const base = { customerName: lead.contact.name, contactId: lead.contactId, conversationId: lead.conversationId };
  if (!answer) return { ...base, text: t(customerLocale, 'ai.draft.fallback', { name: lead.contact.name }), byModel: false };
  const source = guardSource(actor.name, tl.heading.customer, ...conversationItems.map((i) => i.text));
  return { ...base, text: guardOutput(answer.draft, source), byModel: true };
}
