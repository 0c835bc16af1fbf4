// A new request becomes a lead: status new, an owner (given, or round robin among on-duty
// managers), and the time by which the customer must get a first answer.
import { inOrder } from '../contacts/in-order.js';
import type { Channel } from '../../prisma/generated/enums.js';
import { withTx, type CoreContext } from '../context.js';
import type { Actor } from '../actor.js';
import { inTx } from '../db.js';
import { notFound } from '../errors.js';
import { t, resolveLocale } from '../i18n/index.js';
import { recordChange } from '../audit.js';
import { firstResponseDueAt } from './first-response-due.js';
import { pickRoundRobinAssignee } from './round-robin.js';
import { assertAssignable } from './assignee.js';
import { runNewLeadRules } from '../automation/run-rules.js';

export interface CaptureLeadInput {
  contactId: number;
  source: Channel;
  text: string;
  conversationId?: number | null;
  assigneeId?: number | null;
  title?: string | null;
}

const TITLE_MAX = 120;

/** A short title from the first message: its first line, cut at a word boundary. */
export function titleFromText(text: string): string | null {
  const first = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find(Boolean);
  if (!first) return null;
  if (first.length <= TITLE_MAX) return first;
  const cut = first.slice(0, TITLE_MAX);
  const space = cut.lastIndexOf(' ');
  return (space > TITLE_MAX / 2 ? cut.slice(0, space) : cut) + '…';
}

export async function captureLead(ctx: CoreContext, actor: Actor, input: CaptureLeadInput) {
  const workspaceId = actor.workspaceId;
  const [ws, contact] = await inOrder([
    () => ctx.db.workspace.findUniqueOrThrow({ where: { id: workspaceId } }),
    () => ctx.db.contact.findFirst({ where: { id: input.contactId, workspaceId } }),
  ]);
  if (!contact) throw notFound('what.contact', { id: input.contactId });

  const assignee = input.assigneeId ? await assertAssignable(ctx.db, workspaceId, input.assigneeId) : await pickRoundRobinAssignee(ctx, workspaceId);
  const now = ctx.clock.now();
  const due = firstResponseDueAt(ws, now);
  const title = input.title?.trim() || titleFromText(input.text) || t(resolveLocale(ws.locale), 'leads.title.from', { name: contact.name });

  const lead = await inTx(ctx.db, async (tx) => {
    const created = await tx.lead.create({
      data: {
        workspaceId,
        contactId: contact.id,
        conversationId: input.conversationId ?? null,
        source: input.source,
        status: 'new',
        title,
        firstMessage: input.text || null,
        assigneeId: assignee?.id ?? null,
        firstResponseDueAt: due,
        createdAt: now,
      },
    });
    await recordChange(
      tx,
      actor,
      {
        type: 'lead.created',
        leadId: created.id,
        contactId: contact.id,
        data: { source: input.source, assigneeId: created.assigneeId, roundRobin: !input.assigneeId },
      },
      { action: 'lead.create', entity: 'lead', entityId: created.id, after: created },
    );
    // the new-lead automation rules, in the lead's transaction
    await runNewLeadRules(withTx(ctx, tx), created);
    return created;
  });
  // after commit: the SLA check job (the lead exists when it fires)
  await ctx.scheduler?.scheduleSlaCheck(lead.id, due, { first: true });
  return lead;
}
