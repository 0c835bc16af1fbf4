// Running the team from Telegram, end to end through the Bot API emulator (real Postgres,
// Redis, BullMQ queues, grammY polling): an admin deactivates a manager with a round-robin
// handover (previewed, then confirmed) and every open lead, deal and task of theirs gets an
// active owner who is told; a vacation ends by itself (its delayed job on the team queue); a
// manager's admin action is refused and changes nothing; /assign tells both owners; an invite
// carries a deep link that works.
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.js';
import { telegramEmulatorStack, type EmulatorChat, type TelegramEmulatorStack } from '../support/telegram-stack.js';
import type { BotMessage } from '../support/telegram-emulator.js';
import { addUser } from '../../core/users/index.js';
import { actorForUser } from '../../core/users/find-users.js';
import { createDeal } from '../../core/deals/index.js';
import { createTask } from '../../core/tasks/index.js';
import { dbContext } from '../../connectors/db/stores/index.js';
import { systemActor } from '../../core/actor.js';

const stacks: TelegramEmulatorStack[] = [];
afterAll(async () => {
  for (const s of stacks.reverse()) await s.close();
});

const BOT = 'LeadlineTeamBot';
const ADMINS_ONLY = 'Only an admin can do that. Nothing was changed.';
const HEADS_ONLY = 'Only a head of sales or an admin can do that. Nothing was changed.';

async function team(locale: 'en' | 'ru', base: number) {
  const stack = await telegramEmulatorStack({ slug: 'team', timezone: 'Europe/Berlin', locale, telegramBotUsername: BOT });
  stacks.push(stack);
  const { db, ws } = stack;
  const ctx = dbContext(db);
  const people: Record<string, { id: number; chat: EmulatorChat }> = {};
  for (const [i, [name, role]] of (
    [
      ['Alice', 'admin'],
      ['Mary', 'manager'],
      ['Bob', 'manager'],
      ['Carl', 'manager'],
    ] as const
  ).entries()) {
    const { user, inviteCode } = await addUser(ctx, systemActor(ws), { name, role, locale });
    const chat = stack.tg.chat(base + i, { firstName: name, languageCode: locale });
    await chat.send(`/start ${inviteCode}`);
    await chat.next(`${name}: welcome`);
    people[name] = { id: user.id, chat };
  }
  return { stack, db, ws, ctx, people };
}

/** Mary's open work: two leads (one with a deal and a task about it), a deal of her own, a task of her own. */
async function maryWork(t: Awaited<ReturnType<typeof team>>) {
  const { db, ws, ctx, people } = t;
  const mary = await actorForUser(db, people.Mary!.id);
  const leads = [];
  for (const name of ['Ivan', 'Olga']) {
    const contact = await db.contact.create({ data: { workspaceId: ws.id, name, nameKey: name.toLowerCase() } });
    leads.push(
      await db.lead.create({ data: { workspaceId: ws.id, contactId: contact.id, source: 'telegram', title: `${name} wants chairs`, assigneeId: mary.userId } }),
    );
  }
  const leadDeal = await createDeal(ctx, mary, { title: 'Ivan chairs', leadId: leads[0]!.id, contactId: leads[0]!.contactId });
  const ownDeal = await createDeal(ctx, mary, { title: 'Globex renewal' });
  const due = new Date(Date.now() + 3 * 86_400_000);
  const tasks = [
    await createTask(ctx, mary, { title: 'Call Ivan', dueAt: due, dealId: leadDeal.id }),
    await createTask(ctx, mary, { title: 'Send the Globex offer', dueAt: due }),
  ];
  return { leads, deals: [leadDeal, ownDeal], tasks };
}

const textOf = (m: BotMessage) => m.message.text ?? '';
const buttonsOf = (m: BotMessage) => (m.message.reply_markup?.inline_keyboard ?? []).flat().map((b) => (b as { callback_data?: string }).callback_data);

describe('/team and /assign on Telegram', () => {
  it('an admin deactivates a manager with a round-robin handover: every open lead, deal and task has an active owner who was told', async () => {
    const t = await team('en', 41_000);
    const { db, people } = t;
    const work = await maryWork(t);
    const alice = people.Alice!.chat;
    const mary = people.Mary!.id;

    await alice.send('/team');
    const list = await alice.next('the team list');
    expect(textOf(list)).toContain('Team (4 members):');
    expect(textOf(list)).toContain(`#${mary} Mary · manager · on duty · leads 2, deals 2, tasks 2`);
    expect(buttonsOf(list)).toContain(`team:show:${mary}`);

    await alice.press(`team:show:${mary}`, list);
    const card = await alice.next('the member card');
    expect(buttonsOf(card)).toEqual(expect.arrayContaining([`team:duty:${mary}:off`, `team:vac:${mary}`, `team:role:${mary}`, `team:deact:${mary}`]));

    await alice.press(`team:deact:${mary}`, card);
    const ask = await alice.next('whom to hand over to');
    expect(textOf(ask)).toContain('Deactivate Mary?');
    expect(buttonsOf(ask)).toEqual(expect.arrayContaining([`team:handover:${mary}:rr`, `team:handover:${mary}:${people.Bob!.id}`]));

    await alice.press(`team:handover:${mary}:rr`, ask);
    const preview = await alice.next('the handover preview');
    const p = textOf(preview);
    expect(p).toContain('Deactivating Mary moves:');
    expect(p).toContain('to the members on duty in turn: Bob, Carl');
    // the lead, its deal and the task about that deal go together
    expect(p).toContain(`#${work.leads[0]!.id} Ivan → Bob`);
    expect(p).toContain(`#${work.leads[1]!.id} Olga → Carl`);
    expect(p).toContain(`#${work.deals[0]!.id} Ivan chairs → Bob`);
    expect(p).toContain(`#${work.tasks[0]!.id} Call Ivan → Bob`);
    expect(p).toContain('digest');
    expect(p).toContain('Then Mary gets no new leads and no notifications, and can no longer act. Confirm?');
    // nothing has changed yet
    expect((await db.user.findUniqueOrThrow({ where: { id: mary } })).active).toBe(true);

    await alice.press(`team:confirm:${mary}:rr`, preview);
    const done = await alice.next('deactivated');
    expect(textOf(done)).toContain('Mary is deactivated. Handed over: leads 2, deals 2, tasks 2');

    const after = await db.user.findUniqueOrThrow({ where: { id: mary } });
    expect(after.active).toBe(false);
    expect(after.onDuty).toBe(false);
    const owners = new Set<number>();
    for (const l of await db.lead.findMany({ where: { id: { in: work.leads.map((l) => l.id) } } })) owners.add(l.assigneeId!);
    for (const d of await db.deal.findMany({ where: { id: { in: work.deals.map((d) => d.id) } } })) owners.add(d.ownerId);
    for (const k of await db.task.findMany({ where: { id: { in: work.tasks.map((k) => k.id) } } })) owners.add(k.assigneeId);
    expect([...owners].sort()).toEqual([people.Bob!.id, people.Carl!.id].sort());
    expect(await db.user.count({ where: { id: { in: [...owners] }, active: true } })).toBe(2);
    expect(await db.lead.count({ where: { assigneeId: mary, status: { in: ['new', 'in_progress'] } } })).toBe(0);
    expect(await db.task.count({ where: { assigneeId: mary, status: 'open' } })).toBe(0);
    expect(await db.deal.count({ where: { ownerId: mary, status: 'open' } })).toBe(0);
    // audited: the deactivation and every move
    expect(await db.auditLog.count({ where: { workspaceId: t.ws.id, action: 'user.deactivate', entityId: String(mary) } })).toBe(1);
    expect(
      await db.auditLog.count({
        where: { workspaceId: t.ws.id, action: { in: ['lead.assign', 'deal.reassigned', 'task.reassigned'] }, actorUserId: people.Alice!.id },
      }),
    ).toBe(6);

    // each new owner is told what they got
    for (const name of ['Bob', 'Carl'] as const) {
      const told = await people[name]!.chat.next(`${name}: the handover notice`);
      expect(textOf(told)).toContain('Mary was deactivated; their work is yours now:');
      const id = people[name]!.id;
      for (const l of await db.lead.findMany({ where: { id: { in: work.leads.map((l) => l.id) }, assigneeId: id } }))
        expect(textOf(told)).toContain(`#${l.id}`);
      for (const k of await db.task.findMany({ where: { id: { in: work.tasks.map((k) => k.id) }, assigneeId: id } }))
        expect(textOf(told)).toContain(`#${k.id} ${k.title}`);
    }

    // Mary can no longer act: a command is refused, and her message becomes no lead
    const leadsBefore = await db.lead.count({ where: { workspaceId: t.ws.id } });
    await people.Mary!.chat.send('/leads');
    expect(textOf(await people.Mary!.chat.next('Mary refused'))).toBe(
      'Your Leadline account is deactivated, so I cannot act for you. If this is a mistake, ask an admin.',
    );
    expect(await db.lead.count({ where: { workspaceId: t.ws.id } })).toBe(leadsBefore);

    // Mary gets no new leads: a new customer goes to Bob or Carl
    const customer = t.stack.tg.chat(41_900, { firstName: 'Petra' });
    await customer.send('Hello, a quote please');
    const lead = await waitFor(() => db.lead.findFirst({ where: { workspaceId: t.ws.id, contact: { name: { contains: 'Petra' } } } }), 'the new lead');
    expect([people.Bob!.id, people.Carl!.id]).toContain(lead.assigneeId);
  }, 120_000);

  it('a manager is refused every admin action and nothing changes; /assign by an admin tells both owners; an invite link works', async () => {
    const t = await team('en', 42_000);
    const { db, people, ws } = t;
    const bob = people.Bob!.chat;
    const carl = people.Carl!.id;

    await bob.send(`/team deactivate ${carl} rr`);
    expect(textOf(await bob.next('refusal'))).toBe(`Could not do that: ${ADMINS_ONLY}`);
    await bob.send(`/team role ${carl} admin`);
    expect(textOf(await bob.next('refusal'))).toBe(`Could not do that: ${ADMINS_ONLY}`);
    await bob.send(`/team vacation ${carl} 7d`);
    const refused = await bob.next('refusal');
    expect(textOf(refused)).toBe(`Could not do that: ${HEADS_ONLY}`);
    // a button forged from a manager's chat is refused the same way
    await bob.press(`team:confirm:${carl}:rr`, refused);
    expect(textOf(await bob.next('refusal'))).toBe(`Could not do that: ${ADMINS_ONLY}`);
    const contact = await db.contact.create({ data: { workspaceId: ws.id, name: 'Zoe', nameKey: 'zoe' } });
    const lead = await db.lead.create({ data: { workspaceId: ws.id, contactId: contact.id, source: 'telegram', title: 'Zoe', assigneeId: people.Bob!.id } });
    await bob.send(`/assign ${lead.id} ${carl}`);
    expect(textOf(await bob.next('refusal'))).toBe(`Could not do that: ${HEADS_ONLY}`);
    const c = await db.user.findUniqueOrThrow({ where: { id: carl } });
    expect(c).toMatchObject({ active: true, onDuty: true, role: 'manager', vacationUntil: null });
    expect((await db.lead.findUniqueOrThrow({ where: { id: lead.id } })).assigneeId).toBe(people.Bob!.id);
    expect(
      await db.auditLog.count({ where: { workspaceId: ws.id, action: { in: ['user.deactivate', 'user.set_role', 'user.vacation_set', 'lead.assign'] } } }),
    ).toBe(0);

    // the admin assigns by hand: both owners are told
    const alice = people.Alice!.chat;
    await alice.send(`/lead ${lead.id}`);
    const card = await alice.next('the lead card');
    expect(buttonsOf(card)).toContain(`lead:assign:${lead.id}`);
    await alice.press(`lead:assign:${lead.id}`, card);
    const choose = await alice.next('assign to whom');
    expect(buttonsOf(choose)).toContain(`lead:assign:${lead.id}:${carl}`);
    await alice.press(`lead:assign:${lead.id}:${carl}`, choose);
    expect(textOf(await alice.next('assigned'))).toBe(`Lead #${lead.id} is assigned to Carl.`);
    expect(textOf(await people.Carl!.chat.next('new owner told'))).toBe(`Alice assigned lead #${lead.id} (Zoe) to you.`);
    expect(textOf(await bob.next('old owner told'))).toBe(`Alice reassigned your lead #${lead.id} (Zoe) to Carl.`);
    expect((await db.lead.findUniqueOrThrow({ where: { id: lead.id } })).assigneeId).toBe(carl);

    // a deal by name of the new owner: /assign deal N NAME
    const deal = await createDeal(t.ctx, await actorForUser(db, carl), { title: 'Umbrella Corp' });
    await alice.send(`/assign deal ${deal.id} Bob`);
    expect(textOf(await alice.next('deal assigned'))).toBe(`Deal #${deal.id} "Umbrella Corp" is assigned to Bob.`);
    expect(textOf(await bob.next('deal: new owner told'))).toBe(`Alice assigned deal #${deal.id} "Umbrella Corp" to you.`);
    expect(textOf(await people.Carl!.chat.next('deal: old owner told'))).toBe(`Alice reassigned your deal #${deal.id} "Umbrella Corp" to Bob.`);
    expect((await db.deal.findUniqueOrThrow({ where: { id: deal.id } })).ownerId).toBe(people.Bob!.id);

    // an invite made in chat carries a deep link; the code in it links the new member
    await alice.send('/team invite Dana Smith head');
    const invite = textOf(await alice.next('the invite'));
    const link = /https:\/\/t\.me\/LeadlineTeamBot\?start=([A-Z0-9]+)/.exec(invite);
    expect(link, invite).not.toBeNull();
    const dana = t.stack.tg.chat(42_777, { firstName: 'Dana' });
    await dana.send(`/start ${link![1]}`);
    expect(textOf(await dana.next('welcome'))).toContain('Dana Smith');
    const danaUser = await db.user.findFirstOrThrow({ where: { workspaceId: ws.id, name: 'Dana Smith' } });
    expect(danaUser.role).toBe('head');
  }, 120_000);

  it('a vacation ends by itself: off duty until the return time, then back on duty and told', async () => {
    const t = await team('ru', 43_000);
    const { db, people } = t;
    const alice = people.Alice!.chat;
    const bob = people.Bob!.id;
    const back = new Date(Date.now() + 4000);
    await alice.send(`/команда отпуск ${bob} ${back.toISOString()}`);
    expect(textOf(await alice.next('vacation set'))).toContain('Bob не на смене до');
    const during = await db.user.findUniqueOrThrow({ where: { id: bob } });
    expect(during).toMatchObject({ onDuty: false });
    expect(during.vacationUntil?.getTime()).toBe(back.getTime());

    // the sentinel: Bob is told he is back (sent by the team queue's delayed job)
    const welcome = await waitFor(() => t.stack.tg.sentTo(43_002).find((m) => textOf(m).includes('С возвращением')), 'Bob told his vacation is over', 30_000);
    expect(textOf(welcome)).toContain('вы снова на смене');
    const after = await db.user.findUniqueOrThrow({ where: { id: bob } });
    expect(after).toMatchObject({ onDuty: true, vacationUntil: null });
    expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(back.getTime());
    expect(await db.auditLog.count({ where: { action: 'user.vacation_over', entityId: String(bob), actorKind: 'system' } })).toBe(1);

    // the Russian list shows everyone on duty again
    await alice.send('/команда');
    const list = textOf(await alice.next('the team list'));
    expect(list).toContain('Команда (4 сотрудника):');
    expect(list).toContain(`#${bob} Bob · менеджер · на смене`);
  }, 120_000);
});
