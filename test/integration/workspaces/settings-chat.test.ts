// /settings end to end on the Telegram emulator and the Slack fake: an admin changes the
// first-response minutes, business hours, holidays, auto-reassign and the acknowledgement
// from chat (buttons first, some typed), and the next customer's acknowledgement and SLA
// deadline follow them (the holiday included); a manager is refused and nothing changes.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { telegramEmulatorStack, type TelegramEmulatorStack } from '../../support/telegram-stack.js';
import { slackStack, type SlackStack } from '../../support/slack-stack.js';
import type { FakeSlackCall } from '../../support/fake-slack.js';
import { waitFor } from '../../support/wait.js';
import { addUser } from '../../../core/users/index.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { systemActor } from '../../../core/actor.js';
import { formatDateTime } from '../../../core/i18n/index.js';
import { addLocalDays, localParts, zonedTimeToInstant } from '../../../core/time/zoned.js';
import { prepareDigestDelivery } from '../../../core/digests/prepare-delivery.js';

const stacks: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const s of stacks.reverse()) await s.close();
});

const iso = (d: { year: number; month: number; day: number }) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** Today and the next two local days are holidays: the next opening is 09:00 on the third day after today. */
function holidayPlan(tz: string) {
  const today = localParts(new Date(), tz);
  const from = iso(today);
  const to = iso(addLocalDays(today, 2));
  const opening = zonedTimeToInstant({ ...addLocalDays(today, 3), hour: 9, minute: 0 }, tz);
  return { from, to, opening };
}

async function settingsAudits(db: TelegramEmulatorStack['db'], workspaceId: number) {
  return db.auditLog.findMany({ where: { workspaceId, action: 'workspace.setting' }, orderBy: { id: 'asc' } });
}

describe('/settings on Telegram', () => {
  it('an admin changes settings with buttons; the next lead follows them; a manager is refused', { timeout: 180_000 }, async () => {
    const tz = 'Europe/Moscow';
    const stack = await telegramEmulatorStack({ slug: 'tgset', timezone: tz, locale: 'en' });
    stacks.push(stack);
    const { db, ws } = stack;
    const ctx = dbContext(db);
    const admin = await addUser(ctx, systemActor(ws), { name: 'Ada Admin', role: 'admin', locale: 'en' });
    const manager = await addUser(ctx, systemActor(ws), { name: 'Max Manager', role: 'manager', locale: 'en' });
    const base = 41_000 + Math.floor(Math.random() * 5_000) * 3;
    const adminChat = stack.tg.chat(base + 1, { firstName: 'Ada', languageCode: 'en' });
    const managerChat = stack.tg.chat(base + 2, { firstName: 'Max', languageCode: 'en' });
    const customerChat = stack.tg.chat(base + 3, { firstName: 'Ivan', languageCode: 'en' });
    await adminChat.send(`/start ${admin.inviteCode}`);
    await adminChat.next('admin welcome');
    await managerChat.send(`/start ${manager.inviteCode}`);
    const managerWelcome = await managerChat.next('manager welcome');

    // the card: every setting with its value, a button each
    await adminChat.send('/settings');
    const card = await adminChat.next('the settings card');
    expect(card.message.text).toContain('Workspace settings');
    expect(card.message.text).toContain('First response within: 15 min');
    expect(card.message.text).toContain('Business hours: around the clock');
    const data = card.message.reply_markup!.inline_keyboard.flat().map((b) => b.callback_data);
    expect(data).toEqual(expect.arrayContaining(['set:ask:first-response', 'set:ask:hours', 'set:ask:holidays', 'set:v:auto-reassign:on', 'set:ask:ack']));

    // first response: the question with presets, then a preset pressed
    await adminChat.press('set:ask:first-response', card);
    const ask = await adminChat.next('the first-response question');
    expect(ask.message.reply_markup!.inline_keyboard.flat().map((b) => b.callback_data)).toContain('set:v:first-response:30');
    await adminChat.press('set:v:first-response:30', ask);
    expect((await adminChat.next('first response saved')).message.text).toBe('✅ Saved. First response within: 30 min (inside business hours)');

    // business hours typed ("9:00" as people write it), holidays typed, auto-reassign by its toggle
    await adminChat.send('/settings hours daily 9:00-18');
    expect((await adminChat.next('hours saved')).message.text).toContain('Business hours: Mon–Sun 09:00–18:00');
    const { from, to, opening } = holidayPlan(tz);
    await adminChat.send(`/settings holidays add ${from}..${to} Company days`);
    expect((await adminChat.next('holidays saved')).message.text).toContain(`Holidays: ${from}..${to} Company days`);
    await adminChat.press('set:v:auto-reassign:on', card);
    expect((await adminChat.next('auto-reassign saved')).message.text).toContain('Auto-reassign on SLA breach: on');
    await adminChat.send('/settings ack en Thanks for writing to Acme!');
    expect((await adminChat.next('ack saved')).message.text).toContain('Acknowledgement (en): Thanks for writing to Acme!');
    // a wrong value is refused when it is set, with the reason
    await adminChat.send('/settings hours mon-fri 9-25');
    expect((await adminChat.next('bad hours refused')).message.text).toContain('Closing time "25" is not a time of day');

    const after = await db.workspace.findUniqueOrThrow({ where: { id: ws.id } });
    expect(after).toMatchObject({
      firstResponseMinutes: 30,
      autoReassignOnBreach: true,
      businessHours: { days: [1, 2, 3, 4, 5, 6, 7], start: '09:00', end: '18:00' },
      holidays: [{ from, to, name: 'Company days' }],
      ackText: { en: 'Thanks for writing to Acme!' },
    });
    const audits = await settingsAudits(db, ws.id);
    expect(audits.map((a) => Object.keys(a.after as object)[0])).toEqual(['first-response', 'hours', 'holidays', 'auto-reassign', 'ack']);
    expect(audits.every((a) => a.actorUserId === admin.user.id)).toBe(true);
    expect(audits[0]).toMatchObject({ before: { 'first-response': 15 }, after: { 'first-response': 30 } });

    // a manager: the card and a change are refused, a pressed button too; nothing changes
    await managerChat.send('/settings');
    expect((await managerChat.next('manager refused')).message.text).toContain('Only an admin or a head of sales can change the workspace settings');
    await managerChat.send('/settings first-response 5');
    expect((await managerChat.next('manager change refused')).message.text).toContain('Only an admin or a head of sales');
    await managerChat.press('set:v:auto-reassign:off', managerWelcome);
    expect((await managerChat.next('manager button refused')).message.text).toContain('Only an admin or a head of sales');
    const unchanged = await db.workspace.findUniqueOrThrow({ where: { id: ws.id } });
    expect(unchanged).toMatchObject({ firstResponseMinutes: 30, autoReassignOnBreach: true });
    expect(await settingsAudits(db, ws.id)).toHaveLength(audits.length);

    // the next customer: acknowledged with the workspace's text and the opening after the holidays
    await customerChat.send('Hello, I need a quote for 20 desks');
    const lead = await waitFor(() => db.lead.findFirst({ where: { workspaceId: ws.id } }), 'the lead');
    expect(lead.firstResponseDueAt?.toISOString()).toBe(new Date(opening.getTime() + 30 * 60_000).toISOString());
    const ack = await customerChat.next('the acknowledgement');
    expect(ack.message.text).toBe(`Thanks for writing to Acme!\n\nWe are closed now; a manager will answer from ${formatDateTime('en', opening, tz)}.`);

    // and no daily digest on a holiday
    const sub = await db.digestSubscription.findFirstOrThrow({ where: { userId: admin.user.id, kind: 'today' } });
    expect(await prepareDigestDelivery(ctx, sub.id, new Date())).toEqual({ skipped: 'holiday' });
  });
});

describe('/настройки on Telegram in Russian', () => {
  it('the card, a button and a typed value in Russian; a manager is refused in Russian', { timeout: 120_000 }, async () => {
    const stack = await telegramEmulatorStack({ slug: 'tgsetru', timezone: 'Europe/Moscow', locale: 'ru' });
    stacks.push(stack);
    const { db, ws } = stack;
    const ctx = dbContext(db);
    const admin = await addUser(ctx, systemActor(ws), { name: 'Анна', role: 'admin', locale: 'ru' });
    const manager = await addUser(ctx, systemActor(ws), { name: 'Пётр', role: 'manager', locale: 'ru' });
    const base = 61_000 + Math.floor(Math.random() * 5_000) * 3;
    const adminChat = stack.tg.chat(base + 1, { firstName: 'Анна', languageCode: 'ru' });
    const managerChat = stack.tg.chat(base + 2, { firstName: 'Пётр', languageCode: 'ru' });
    await adminChat.send(`/start ${admin.inviteCode}`);
    await adminChat.next('admin welcome');
    await managerChat.send(`/start ${manager.inviteCode}`);
    await managerChat.next('manager welcome');

    await adminChat.send('/настройки');
    const card = await adminChat.next('the card');
    expect(card.message.text).toContain('Настройки рабочего пространства');
    expect(card.message.text).toContain('Рабочие часы: круглосуточно');
    expect(card.message.reply_markup!.inline_keyboard.flat().map((b) => b.text)).toContain('🔁 Автопереназначение: выкл');
    await adminChat.press('set:v:auto-reassign:on', card);
    expect((await adminChat.next('saved')).message.text).toBe('✅ Сохранено. Автопереназначение при просрочке: вкл');
    await adminChat.send('/настройки часы пн-пт 9-18; сб 10-14');
    expect((await adminChat.next('hours saved')).message.text).toBe('✅ Сохранено. Рабочие часы: пн–пт 09:00–18:00, сб 10:00–14:00');
    await adminChat.send('/настройки праздники add 30.02.2026');
    expect((await adminChat.next('bad date refused')).message.text).toContain('«30.02.2026» — не дата');

    await managerChat.send('/настройки часы круглосуточно');
    expect((await managerChat.next('refused')).message.text).toContain('Настройки рабочего пространства меняют только администратор и руководитель');
    expect(await db.workspace.findUniqueOrThrow({ where: { id: ws.id } })).toMatchObject({
      autoReassignOnBreach: true,
      businessHours: { days: [1, 2, 3, 4, 5, 6], start: '09:00', end: '18:00', perDay: { '6': { start: '10:00', end: '14:00' } } },
      holidays: [],
    });
  });
});

describe('/settings on Slack', () => {
  it(
    'an admin sets first response and holidays from /crm settings; the next lead in a shared channel follows; a manager is refused',
    { timeout: 180_000 },
    async () => {
      const tz = 'Asia/Tokyo';
      const RUN = randomUUID().slice(0, 8);
      const ADMIN = 'UADM1';
      const MANAGER = 'UMGR2';
      const CUSTOMER = 'UCUST2';
      const SHARED = 'CSHARED9';
      const stack: SlackStack = await slackStack({ slug: 'slackset', timezone: tz, run: RUN });
      stacks.push(stack);
      const { db, ws, slack } = stack;
      const fake = slack.fake;
      fake.addUser({ id: ADMIN, team_id: fake.teamId, name: 'ada', real_name: 'Ada Admin', locale: 'en-US' });
      fake.addUser({ id: MANAGER, team_id: fake.teamId, name: 'max', real_name: 'Max Manager', locale: 'en-US' });
      fake.addUser({ id: CUSTOMER, team_id: 'TCUSTOMER9', name: 'ivan', real_name: 'Ivan Petrov', locale: 'en-US' });
      fake.addChannel({ id: SHARED, name: 'acme-shared-9', is_shared: true, is_ext_shared: true });
      const ctx = dbContext(db);
      const admin = await addUser(ctx, systemActor(ws), { name: 'Ada Admin', role: 'admin', locale: 'en' });
      const manager = await addUser(ctx, systemActor(ws), { name: 'Max Manager', role: 'manager', locale: 'en' });
      const adminDm = await slack.link(ADMIN, admin.inviteCode, admin.user.id);
      const managerDm = await slack.link(MANAGER, manager.inviteCode, manager.user.id);
      const text = (c: FakeSlackCall) => `${String(c.params.text ?? '')} ${JSON.stringify(c.params.blocks ?? [])}`;
      const crm = (user: string, line: string) =>
        slack.postForm({
          command: '/crm',
          text: line,
          user_id: user,
          team_id: fake.teamId,
          channel_id: 'CGENERAL',
          trigger_id: `trig-${RUN}-${randomUUID()}`,
          response_url: fake.responseUrl(),
        });
      const adminPosts = slack.channel(adminDm);
      const managerPosts = slack.channel(managerDm);

      expect((await crm(ADMIN, 'settings')).status).toBe(200);
      const card = await adminPosts.next('the settings card', (c) => text(c).includes('set:ask:first-response'));
      expect(text(card)).toContain('Workspace settings');
      expect((await slack.click(ADMIN, 'set:ask:first-response', { channel: adminDm, messageTs: card.ts! })).status).toBe(200);
      const ask = await adminPosts.next('the first-response question', (c) => text(c).includes('set:v:first-response:10'));
      expect((await slack.click(ADMIN, 'set:v:first-response:10', { channel: adminDm, messageTs: ask.ts! })).status).toBe(200);
      await adminPosts.next('first response saved', (c) => text(c).includes('First response within: 10 min'));
      expect((await crm(ADMIN, 'settings hours mon-sun 9-18')).status).toBe(200);
      await adminPosts.next('hours saved', (c) => text(c).includes('Business hours:'));
      const { from, to, opening } = holidayPlan(tz);
      expect((await crm(ADMIN, `settings holidays add ${from}..${to}`)).status).toBe(200);
      await adminPosts.next('holidays saved', (c) => text(c).includes(`Holidays: ${from}..${to}`));

      // the manager is refused; nothing changes
      expect((await crm(MANAGER, 'settings first-response 1')).status).toBe(200);
      await managerPosts.next('manager refused', (c) => text(c).includes('Only an admin or a head of sales'));
      expect(await db.workspace.findUniqueOrThrow({ where: { id: ws.id } })).toMatchObject({ firstResponseMinutes: 10 });

      // a customer in the shared channel: the deadline and the acknowledgement after the holidays
      const customerTs = slack.nextTs();
      await slack.postEvent({
        type: 'message',
        channel: SHARED,
        channel_type: 'channel',
        user: CUSTOMER,
        user_team: 'TCUSTOMER9',
        text: 'Hi, a quote for 5 seats',
        ts: customerTs,
      });
      const lead = await waitFor(() => db.lead.findFirst({ where: { workspaceId: ws.id, source: 'slack' } }), 'the Slack lead');
      expect(lead.firstResponseDueAt?.toISOString()).toBe(new Date(opening.getTime() + 10 * 60_000).toISOString());
      const ack = await slack.channel(SHARED, customerTs).next('the acknowledgement in the thread');
      expect(text(ack)).toContain(formatDateTime('en', opening, tz));
      const audits = await db.auditLog.findMany({ where: { workspaceId: ws.id, action: 'workspace.setting' } });
      expect(audits).toHaveLength(3);
      expect(audits.every((a) => a.actorUserId === admin.user.id)).toBe(true);
    },
  );
});
