// The demo workspace: a head and three managers, customers and companies, leads in every
// status, deals in every stage (RUB and USD), tasks due today / overdue / upcoming (one
// recurring). Built only through the core use cases, so it also exercises them.
import type { Contact } from '../../../prisma/generated/client.js';
import type { Db } from '../../../core/db.js';
import type { Actor } from '../../../core/actor.js';
import { systemActor } from '../../../core/actor.js';
import { coreContext, type CoreContext } from '../../../core/context.js';
import type { Clock } from '../../../core/ports.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { addUser, actorForUser } from '../../../core/users/index.js';
import { findOrCreateContact } from '../../../core/contacts/index.js';
import { captureLead, markFirstResponse, markLeadJunk } from '../../../core/leads/index.js';
import { convertLeadToDeal, createDeal, markDealLost, markDealWon, moveDealToStage } from '../../../core/deals/index.js';
import { completeTask, createTask } from '../../../core/tasks/index.js';
import { localParts, zonedTimeToInstant } from '../../../core/time/zoned.js';

export interface SeedDemoOptions {
  slug?: string;
  /** delete an existing workspace with this slug and build it again */
  reset?: boolean;
  clock?: Clock;
}

export interface SeedDemoResult {
  workspace: string;
  created: boolean;
  users: Array<{ id: number; name: string; role: string; inviteCode: string }>;
  counts: { contacts: number; leads: number; deals: number; tasks: number; activities: number };
}

const TEAM = [
  { name: 'Elena Sokolova', role: 'head', timezone: 'Europe/Moscow', locale: 'ru' },
  { name: 'Ivan Petrov', role: 'manager', timezone: 'Europe/Moscow', locale: 'ru' },
  { name: 'Maria Kuznetsova', role: 'manager', timezone: 'Asia/Yekaterinburg', locale: 'ru' },
  { name: 'John Carter', role: 'manager', timezone: 'America/New_York', locale: 'en' },
] as const;

const CUSTOMERS = [
  { name: 'Alexei Smirnov', company: 'Romashka LLC', email: 'a.smirnov@romashka.example', phone: '+7 916 123-45-01' },
  { name: 'Olga Volkova', company: 'Romashka LLC', email: 'o.volkova@romashka.example' },
  { name: 'Dmitry Orlov', company: 'Vector Logistics', email: 'orlov@vector-log.example', phone: '+7 916 123-45-03' },
  { name: 'Natalia Fedorova', company: 'Sever Steel', email: 'fedorova@seversteel.example', phone: '+7 916 123-45-04' },
  { name: 'Sergei Morozov', company: 'Ural Agro', phone: '+7 912 200-10-05' },
  { name: 'Anna Lebedeva', company: 'Ural Agro', email: 'lebedeva@uralagro.example' },
  { name: 'Pavel Kozlov', company: 'TechnoPark', email: 'kozlov@technopark.example', phone: '+7 916 123-45-07' },
  { name: 'Irina Novikova', company: 'Baikal Tours', email: 'irina@baikaltours.example' },
  { name: 'Emily Johnson', company: 'Acme Corp', email: 'emily.johnson@acme.example' },
  { name: 'Michael Brown', company: 'Acme Corp', email: 'm.brown@acme.example' },
  { name: 'Sarah Miller', company: 'Globex', email: 'sarah@globex.example' },
  { name: 'David Wilson', company: 'Initech', email: 'dwilson@initech.example' },
  { name: 'Laura Davis', company: 'Umbrella Health', email: 'laura.davis@umbrella.example' },
  { name: 'Kevin Moore', company: 'Stark Supplies', email: 'kevin@starksupplies.example' },
  { name: 'Olivia Taylor', company: 'Wayne Events', email: 'olivia@wayne-events.example' },
] as const;

/** `days` local days from now at hh:mm in the zone. */
function localAt(now: Date, timeZone: string, days: number, hour: number, minute = 0): Date {
  const p = localParts(now, timeZone);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return zonedTimeToInstant({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour, minute }, timeZone);
}

async function resetWorkspace(db: Db, slug: string): Promise<void> {
  const ws = await db.workspace.findUnique({ where: { slug } });
  if (!ws) return;
  await db.$transaction(async (tx) => {
    // deals restrict deleting their owner and stage: remove them before the cascade
    await tx.deal.deleteMany({ where: { workspaceId: ws.id } });
    await tx.workspace.delete({ where: { id: ws.id } });
  });
}

export async function seedDemo(db: Db, options: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const slug = options.slug ?? 'demo';
  const existing = await db.workspace.findUnique({ where: { slug } });
  if (existing && !options.reset) {
    return { workspace: slug, created: false, users: [], counts: await countsOf(db, existing.id) };
  }
  if (existing) await resetWorkspace(db, slug);

  const ws = await ensureWorkspace(db, slug, { name: 'Demo Sales', timezone: 'Europe/Moscow', locale: 'ru', phoneRegion: 'RU' });
  const ctx: CoreContext = coreContext(db, { clock: options.clock });
  const now = ctx.clock.now();
  const system = systemActor(ws);

  const users: SeedDemoResult['users'] = [];
  const actors: Actor[] = [];
  for (const member of TEAM) {
    const { user, inviteCode } = await addUser(ctx, system, member);
    users.push({ id: user.id, name: user.name, role: user.role, inviteCode });
    actors.push(await actorForUser(db, user.id));
  }
  const [head, ivan, maria, john] = actors as [Actor, Actor, Actor, Actor];

  const contacts: Contact[] = [];
  for (const c of CUSTOMERS) {
    const { contact } = await findOrCreateContact(ctx, system, {
      name: c.name,
      company: c.company,
      email: 'email' in c ? c.email : null,
      phone: 'phone' in c ? c.phone : null,
    });
    contacts.push(contact);
  }
  const contact = (i: number) => contacts[i]!;

  // leads: new (assigned and unassigned), in progress, converted, junk
  const lead = (i: number, source: 'telegram' | 'email' | 'web' | 'slack', text: string, assignee?: Actor) =>
    captureLead(ctx, system, { contactId: contact(i).id, source, text, assigneeId: assignee?.userId ?? null });
  await lead(0, 'telegram', 'Здравствуйте! Нужна CRM для отдела из 12 человек, сколько стоит?', ivan);
  await lead(4, 'web', 'Интересует оптовая поставка, пришлите прайс.', maria);
  await lead(11, 'email', 'Could you send a quote for 40 licences?', john);
  const inProgress1 = await lead(2, 'telegram', 'Нужна интеграция с 1С, это возможно?', ivan);
  await markFirstResponse(ctx, inProgress1.id, new Date(now.getTime() - 3 * 3600_000));
  const inProgress2 = await lead(12, 'slack', 'We need onboarding for two teams next month.', john);
  await markFirstResponse(ctx, inProgress2.id, new Date(now.getTime() - 2 * 3600_000));
  const junk = await lead(13, 'email', 'SEO services at a great price!!!', john);
  await markLeadJunk(ctx, john, junk.id, 'spam');
  const toConvert = [
    await lead(3, 'email', 'Запрос КП на годовое обслуживание.', ivan),
    await lead(8, 'web', 'Demo request: sales team of 25.', john),
    await lead(6, 'telegram', 'Хотим пилот на 3 месяца.', maria),
  ];

  // deals in every stage, from leads and directly
  const d1 = await convertLeadToDeal(ctx, ivan, toConvert[0]!.id, { title: 'Sever Steel: annual support', amount: '1450000.00', currency: 'RUB' });
  await moveDealToStage(ctx, ivan, d1.id, 'Переговоры');
  const d2 = await convertLeadToDeal(ctx, john, toConvert[1]!.id, { title: 'Acme Corp: 25 seats', amount: '18750.00', currency: 'USD' });
  await moveDealToStage(ctx, john, d2.id, 'Proposal');
  const d3 = await convertLeadToDeal(ctx, maria, toConvert[2]!.id, { title: 'TechnoPark pilot', amount: '320000.50' });
  await moveDealToStage(ctx, maria, d3.id, 'Квалификация');
  const d4 = await createDeal(ctx, ivan, { title: 'Romashka: CRM rollout', amount: '560000', currency: 'RUB', contactId: contact(0).id });
  const d5 = await createDeal(ctx, maria, {
    title: 'Ural Agro: wholesale',
    amount: '2300000',
    currency: 'RUB',
    contactId: contact(5).id,
    stageName: 'proposal',
  });
  await markDealWon(ctx, maria, d5.id);
  const d6 = await createDeal(ctx, john, { title: 'Globex: renewal', amount: '9900.99', currency: 'USD', contactId: contact(10).id, stageName: 'negotiation' });
  await markDealWon(ctx, john, d6.id);
  const d7 = await createDeal(ctx, ivan, {
    title: 'Baikal Tours: booking system',
    amount: '780000',
    currency: 'RUB',
    contactId: contact(7).id,
    stageName: 'qualified',
  });
  await markDealLost(ctx, ivan, d7.id, 'Выбрали конкурента');
  const d8 = await createDeal(ctx, john, { title: 'Wayne Events: ticketing', amount: '12500', currency: 'USD', contactId: contact(14).id });
  await markDealLost(ctx, john, d8.id, 'No budget this year');
  await createDeal(ctx, head, {
    title: 'Vector Logistics: fleet tracking',
    amount: '990000',
    currency: 'RUB',
    contactId: contact(2).id,
    ownerId: maria.userId,
    stageName: 'negotiation',
  });

  // tasks: overdue, today, upcoming for each manager, one recurring series for the head
  for (const [actor, dealId, contactIdx] of [
    [ivan, d4.id, 0],
    [maria, d3.id, 6],
    [john, d2.id, 8],
  ] as const) {
    await createTask(ctx, actor, { title: 'Follow up on the proposal', dueAt: localAt(now, actor.timezone, -1, 11), dealId });
    await createTask(ctx, actor, { title: 'Call back the customer', dueAt: localAt(now, actor.timezone, 0, 17, 30), contactId: contact(contactIdx).id });
    await createTask(ctx, actor, { title: 'Prepare the contract draft', dueAt: localAt(now, actor.timezone, 2, 10), dealId });
  }
  await createTask(ctx, head, {
    title: 'Check in with Ivan on Sever Steel',
    dueAt: localAt(now, head.timezone, 1, 12),
    assigneeId: ivan.userId,
    dealId: d1.id,
  });
  const review = await createTask(ctx, head, {
    title: 'Weekly pipeline review',
    dueAt: localAt(now, head.timezone, -7, 10),
    rrule: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0',
  });
  await completeTask(ctx, head, review.id);
  const done = await createTask(ctx, maria, { title: 'Send the price list', dueAt: localAt(now, maria.timezone, -2, 15), contactId: contact(4).id });
  await completeTask(ctx, maria, done.id);

  return { workspace: slug, created: true, users, counts: await countsOf(db, ws.id) };
}

async function countsOf(db: Db, workspaceId: number): Promise<SeedDemoResult['counts']> {
  const where = { workspaceId };
  const [contacts, leads, deals, tasks, activities] = await Promise.all([
    db.contact.count({ where }),
    db.lead.count({ where }),
    db.deal.count({ where }),
    db.task.count({ where }),
    db.activity.count({ where }),
  ]);
  return { contacts, leads, deals, tasks, activities };
}
