// Writes a demo plan (core/demo/demo-plan.ts) in bulk: ids are taken from each table's
// sequence up front (so rows can point at each other before they exist), then one
// INSERT ... SELECT FROM unnest(...) per table, every value a bound array parameter (a
// constant number of parameters whatever the plan's size). Runs on the handle given, so the
// seed stays one transaction. About a dozen statements for a few thousand rows.
import type { DbOrTx } from '../../../core/db.js';
import type { DemoPlan, Ref } from '../../../core/demo/demo-plan.js';
import type { DemoStore } from '../../../core/demo/demo-store.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

interface Ids {
  companies: number[];
  contacts: number[];
  conversations: number[];
  leads: number[];
  deals: number[];
  tasks: number[];
}

async function takeIds(db: DbOrTx, plan: DemoPlan): Promise<Ids> {
  const [row] = await db.$queryRaw<Ids[]>`
    SELECT ARRAY(SELECT nextval(pg_get_serial_sequence('"Company"', 'id'))::int FROM generate_series(1, ${plan.companies.length}::int)) AS companies,
           ARRAY(SELECT nextval(pg_get_serial_sequence('"Contact"', 'id'))::int FROM generate_series(1, ${plan.contacts.length}::int)) AS contacts,
           ARRAY(SELECT nextval(pg_get_serial_sequence('"Conversation"', 'id'))::int FROM generate_series(1, ${plan.conversations.length}::int)) AS conversations,
           ARRAY(SELECT nextval(pg_get_serial_sequence('"Lead"', 'id'))::int FROM generate_series(1, ${plan.leads.length}::int)) AS leads,
           ARRAY(SELECT nextval(pg_get_serial_sequence('"Deal"', 'id'))::int FROM generate_series(1, ${plan.deals.length}::int)) AS deals,
           ARRAY(SELECT nextval(pg_get_serial_sequence('"Task"', 'id'))::int FROM generate_series(1, ${plan.tasks.length}::int)) AS tasks`;
  return row!;
}

export const sqlDemoStore: DemoStore = {
  async write(db, workspaceId, plan) {
    const ids = await takeIds(db, plan);
    const id = (list: number[], ref: Ref | null): number | null => (ref === null ? null : list[ref]!);

    const { companies, contacts, conversations, messages, leads, deals, tasks, activities } = plan;
    await db.$executeRaw`
      INSERT INTO "Company" (id, "workspaceId", name, "nameKey", domain, "createdAt", "updatedAt")
      SELECT r.id, ${workspaceId}, r.name, r.key, r.domain, r.at, r.at
      FROM unnest(${ids.companies}::int[], ${companies.map((c) => c.name)}::text[], ${companies.map((c) => c.nameKey)}::text[],
                  ${companies.map((c) => c.domain)}::text[], ${companies.map((c) => iso(c.createdAt))}::timestamp(3)[]) AS r(id, name, key, domain, at)`;

    await db.$executeRaw`
      INSERT INTO "Contact" (id, "workspaceId", name, "nameKey", "companyId", "createdAt", "updatedAt")
      SELECT r.id, ${workspaceId}, r.name, r.key, r.company, r.at, r.at
      FROM unnest(${ids.contacts}::int[], ${contacts.map((c) => c.name)}::text[], ${contacts.map((c) => c.nameKey)}::text[],
                  ${contacts.map((c) => id(ids.companies, c.company))}::int[], ${contacts.map((c) => iso(c.createdAt))}::timestamp(3)[]) AS r(id, name, key, company, at)`;

    const withEmail = contacts.map((c, i) => ({ c, i })).filter(({ c }) => c.email);
    await db.$executeRaw`
      INSERT INTO "ContactEmail" ("workspaceId", "contactId", email, "createdAt")
      SELECT ${workspaceId}, r.contact, r.email, r.at
      FROM unnest(${withEmail.map(({ i }) => ids.contacts[i]!)}::int[], ${withEmail.map(({ c }) => c.email)}::text[],
                  ${withEmail.map(({ c }) => iso(c.createdAt))}::timestamp(3)[]) AS r(contact, email, at)`;

    const withPhone = contacts.map((c, i) => ({ c, i })).filter(({ c }) => c.phone);
    await db.$executeRaw`
      INSERT INTO "ContactPhone" ("workspaceId", "contactId", phone, "createdAt")
      SELECT ${workspaceId}, r.contact, r.phone, r.at
      FROM unnest(${withPhone.map(({ i }) => ids.contacts[i]!)}::int[], ${withPhone.map(({ c }) => c.phone)}::text[],
                  ${withPhone.map(({ c }) => iso(c.createdAt))}::timestamp(3)[]) AS r(contact, phone, at)`;

    await db.$executeRaw`
      INSERT INTO "Conversation" (id, "workspaceId", "contactId", channel, subject, "lastMessageAt", "createdAt")
      SELECT r.id, ${workspaceId}, r.contact, r.channel::"Channel", r.subject, r.last, r.at
      FROM unnest(${ids.conversations}::int[], ${conversations.map((c) => ids.contacts[c.contact]!)}::int[], ${conversations.map((c) => c.channel)}::text[],
                  ${conversations.map((c) => c.subject)}::text[], ${conversations.map((c) => iso(c.lastMessageAt))}::timestamp(3)[],
                  ${conversations.map((c) => iso(c.createdAt))}::timestamp(3)[]) AS r(id, contact, channel, subject, last, at)`;

    await db.$executeRaw`
      INSERT INTO "Message" ("workspaceId", "conversationId", direction, channel, text, "authorUserId", "deliveryStatus", "createdAt")
      SELECT ${workspaceId}, r.conversation, r.direction::"Direction", r.channel::"Channel", r.text, r.author, r.status, r.at
      FROM unnest(${messages.map((m) => ids.conversations[m.conversation]!)}::int[], ${messages.map((m) => m.direction)}::text[],
                  ${messages.map((m) => m.channel)}::text[], ${messages.map((m) => m.text)}::text[], ${messages.map((m) => m.authorUserId)}::int[],
                  ${messages.map((m) => m.deliveryStatus)}::text[], ${messages.map((m) => iso(m.createdAt))}::timestamp(3)[])
           AS r(conversation, direction, channel, text, author, status, at)`;

    await db.$executeRaw`
      INSERT INTO "Lead" (id, "workspaceId", "contactId", "conversationId", source, status, title, "firstMessage", "assigneeId",
                          "firstResponseDueAt", "firstResponseAt", "slaBreachedAt", "junkReason", "createdAt", "updatedAt")
      SELECT r.id, ${workspaceId}, r.contact, r.conversation, r.source::"Channel", r.status::"LeadStatus", r.title, r.text, r.assignee,
             r.due, r.answered, r.breached, r.junk, r.at, r.updated
      FROM unnest(${ids.leads}::int[], ${leads.map((l) => ids.contacts[l.contact]!)}::int[], ${leads.map((l) => ids.conversations[l.conversation]!)}::int[],
                  ${leads.map((l) => l.source)}::text[], ${leads.map((l) => l.status)}::text[], ${leads.map((l) => l.title)}::text[],
                  ${leads.map((l) => l.firstMessage)}::text[], ${leads.map((l) => l.assigneeId)}::int[],
                  ${leads.map((l) => iso(l.firstResponseDueAt))}::timestamp(3)[], ${leads.map((l) => iso(l.firstResponseAt))}::timestamp(3)[],
                  ${leads.map((l) => iso(l.slaBreachedAt))}::timestamp(3)[], ${leads.map((l) => l.junkReason)}::text[],
                  ${leads.map((l) => iso(l.createdAt))}::timestamp(3)[], ${leads.map((l) => iso(l.updatedAt))}::timestamp(3)[])
           AS r(id, contact, conversation, source, status, title, text, assignee, due, answered, breached, junk, at, updated)`;

    await db.$executeRaw`
      INSERT INTO "Deal" (id, "workspaceId", "pipelineId", "stageId", title, "titleKey", amount, currency, status, "lostReason", "ownerId",
                          "contactId", "companyId", "leadId", "expectedCloseAt", "closedAt", "lastActivityAt", "createdAt", "updatedAt")
      SELECT r.id, ${workspaceId}, r.pipeline, r.stage, r.title, r.key, r.amount::numeric(18, 2), r.currency, r.status::"DealStatus", r.reason, r.owner,
             r.contact, r.company, r.lead, r.expected, r.closed, r.active, r.at, r.updated
      FROM unnest(${ids.deals}::int[], ${deals.map((d) => d.pipelineId)}::int[], ${deals.map((d) => d.stageId)}::int[], ${deals.map((d) => d.title)}::text[],
                  ${deals.map((d) => d.titleKey)}::text[], ${deals.map((d) => d.amount)}::text[], ${deals.map((d) => d.currency)}::text[],
                  ${deals.map((d) => d.status)}::text[], ${deals.map((d) => d.lostReason)}::text[], ${deals.map((d) => d.ownerId)}::int[],
                  ${deals.map((d) => ids.contacts[d.contact]!)}::int[], ${deals.map((d) => id(ids.companies, d.company))}::int[],
                  ${deals.map((d) => id(ids.leads, d.lead))}::int[], ${deals.map((d) => iso(d.expectedCloseAt))}::timestamp(3)[],
                  ${deals.map((d) => iso(d.closedAt))}::timestamp(3)[], ${deals.map((d) => iso(d.lastActivityAt))}::timestamp(3)[],
                  ${deals.map((d) => iso(d.createdAt))}::timestamp(3)[], ${deals.map((d) => iso(d.updatedAt))}::timestamp(3)[])
           AS r(id, pipeline, stage, title, key, amount, currency, status, reason, owner, contact, company, lead, expected, closed, active, at, updated)`;

    await db.$executeRaw`
      INSERT INTO "Task" (id, "workspaceId", title, "dueAt", "assigneeId", "creatorId", status, rrule, "seriesId", "leadId", "dealId", "contactId",
                          "completedAt", "createdAt", "updatedAt")
      SELECT r.id, ${workspaceId}, r.title, r.due, r.assignee, r.creator, r.status::"TaskStatus", r.rrule, r.series, r.lead, r.deal, r.contact,
             r.done, r.at, r.updated
      FROM unnest(${ids.tasks}::int[], ${tasks.map((t) => t.title)}::text[], ${tasks.map((t) => iso(t.dueAt))}::timestamp(3)[],
                  ${tasks.map((t) => t.assigneeId)}::int[], ${tasks.map((t) => t.creatorId)}::int[], ${tasks.map((t) => t.status)}::text[],
                  ${tasks.map((t) => t.rrule)}::text[], ${tasks.map((t) => id(ids.tasks, t.series))}::int[], ${tasks.map((t) => id(ids.leads, t.lead))}::int[],
                  ${tasks.map((t) => id(ids.deals, t.deal))}::int[], ${tasks.map((t) => id(ids.contacts, t.contact))}::int[],
                  ${tasks.map((t) => iso(t.completedAt))}::timestamp(3)[], ${tasks.map((t) => iso(t.createdAt))}::timestamp(3)[],
                  ${tasks.map((t) => iso(t.updatedAt))}::timestamp(3)[])
           AS r(id, title, due, assignee, creator, status, rrule, series, lead, deal, contact, done, at, updated)`;

    // the timeline in time order, as it happened
    const timeline = [...activities].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    await db.$executeRaw`
      INSERT INTO "Activity" ("workspaceId", type, "actorUserId", "contactId", "leadId", "dealId", "taskId", data, "createdAt")
      SELECT ${workspaceId}, r.type, r.actor, r.contact, r.lead, r.deal, r.task, r.data::jsonb, r.at
      FROM unnest(${timeline.map((a) => a.type)}::text[], ${timeline.map((a) => a.actorUserId)}::int[], ${timeline.map((a) => id(ids.contacts, a.contact))}::int[],
                  ${timeline.map((a) => id(ids.leads, a.lead))}::int[], ${timeline.map((a) => id(ids.deals, a.deal))}::int[],
                  ${timeline.map((a) => id(ids.tasks, a.task))}::int[], ${timeline.map((a) => JSON.stringify(a.data))}::text[],
                  ${timeline.map((a) => iso(a.createdAt))}::timestamp(3)[]) AS r(type, actor, contact, lead, deal, task, data, at)
      ORDER BY r.at`;
  },
};
