// Customer value, tags and custom fields in chat, end to end: a head of sales on Telegram
// (Bot API emulator, grammY long polling) and a Russian-speaking manager on Slack (signed
// requests to the receiver, the fake Web API) in one workspace, through the real inbound and
// outbound queues. The contact card shows the value figures; /tag, /untag and the tag buttons
// change Contact.tags (audited); /field sets a custom field; /top ranks by won amount with
// period buttons and is refused to a manager.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { chatBase, type ChatStack } from '../../support/chat-stack.js';
import { telegramEmulator, type EmulatorChat } from '../../support/telegram-stack.js';
import { slackEdge, type SlackEdge } from '../../support/slack-stack.js';
import type { FakeSlackCall } from '../../support/fake-slack.js';
import type { BotMessage } from '../../support/telegram-emulator.js';
import { waitFor } from '../../support/wait.js';
import { addUser } from '../../../core/users/index.js';
import { systemActor } from '../../../core/actor.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { defaultPipeline } from '../../../core/workspaces/default-pipeline.js';

const HEAD_TG = 31_000 + Math.floor(Math.random() * 10_000);
const MANAGER = 'UVALMGR';
let stack: ChatStack;
let slack: SlackEdge;
let head: EmulatorChat;
let managerDm: string;
let contactId: number;
let companyId: number;

const buttons = (m: BotMessage) => (m.message.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.callback_data);
const slackText = (c: FakeSlackCall) => `${String(c.params.text ?? '')}\n${JSON.stringify(c.params.blocks ?? [])}`;

beforeAll(async () => {
  const base = await chatBase({ slug: 'value-chat', locale: 'en', timezone: 'UTC', queuePrefix: 'value' });
  const tg = await telegramEmulator(base, { tokenTag: 'VALUE' });
  slack = await slackEdge(base);
  stack = await base.run({ senders: { telegram: tg.sender, slack: slack.transport.sender }, onHandled: (m) => void slack.transport.refreshAfter(m) });
  const { db, ws } = stack;
  const ctx = dbContext(db);

  const headUser = await db.user.create({ data: { workspaceId: ws.id, name: 'Hanna Head', role: 'head', locale: 'en' } });
  await db.identity.create({ data: { workspaceId: ws.id, channel: 'telegram', externalId: String(HEAD_TG), chatId: String(HEAD_TG), userId: headUser.id } });
  head = tg.chat(HEAD_TG, { firstName: 'Hanna', languageCode: 'en' });
  slack.fake.addUser({ id: MANAGER, team_id: slack.fake.teamId, name: 'olga', real_name: 'Ольга Менеджер', locale: 'ru-RU' });
  const added = await addUser(ctx, systemActor(ws), { name: 'Ольга Менеджер', role: 'manager', locale: 'ru' });
  managerDm = await slack.link(MANAGER, added.inviteCode, added.user.id);

  // a customer with history: two won deals (RUB and USD), an open one owned by the manager, a
  // lost one; a conversation of two messages; a lead answered after 2 minutes
  const company = await db.company.create({ data: { workspaceId: ws.id, name: 'Acme', nameKey: 'acme' } });
  companyId = company.id;
  const contact = await db.contact.create({ data: { workspaceId: ws.id, name: 'Anna Buyer', nameKey: 'anna buyer', companyId } });
  contactId = contact.id;
  const pipeline = await defaultPipeline(db, ws.id);
  const stages = await db.stage.findMany({ where: { pipelineId: pipeline.id } });
  const stage = (kind: 'open' | 'won' | 'lost') => stages.find((s) => s.kind === kind)!.id;
  const now = Date.now();
  const deal = (title: string, status: 'open' | 'won' | 'lost', amount: string, currency: string, ownerId: number, closedDaysAgo?: number) =>
    db.deal.create({
      data: {
        workspaceId: ws.id,
        pipelineId: pipeline.id,
        stageId: stage(status),
        title,
        titleKey: title.toLowerCase(),
        amount,
        currency,
        status,
        ownerId,
        contactId,
        lostReason: status === 'lost' ? 'Too expensive' : null,
        closedAt: closedDaysAgo === undefined ? null : new Date(now - closedDaysAgo * 86_400_000),
      },
    });
  await deal('Licences', 'won', '150000', 'RUB', headUser.id, 3);
  await deal('Support', 'won', '1000', 'USD', headUser.id, 100);
  await deal('Upgrade', 'open', '50000', 'RUB', added.user.id);
  await deal('Training', 'lost', '9000', 'RUB', headUser.id, 5);
  const conversation = await db.conversation.create({ data: { workspaceId: ws.id, contactId, channel: 'email' } });
  await db.message.create({
    data: {
      workspaceId: ws.id,
      conversationId: conversation.id,
      direction: 'inbound',
      channel: 'email',
      text: 'hi',
      createdAt: new Date('2026-01-05T10:00:00Z'),
    },
  });
  await db.message.create({
    data: {
      workspaceId: ws.id,
      conversationId: conversation.id,
      direction: 'outbound',
      channel: 'email',
      text: 'hello',
      createdAt: new Date('2026-02-07T10:00:00Z'),
    },
  });
  await db.lead.create({
    data: {
      workspaceId: ws.id,
      contactId,
      source: 'email',
      status: 'converted',
      title: 'Anna',
      createdAt: new Date('2026-01-05T10:00:00Z'),
      firstResponseAt: new Date('2026-01-05T10:02:00Z'),
    },
  });
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('customer value and tags in chat', () => {
  it('Telegram, head: the contact card with its value, tags by command and buttons, a custom field, /top with period buttons', async () => {
    await head.send(`/contact #${contactId}`);
    const card = await head.next('the contact card');
    const text = card.message.text;
    expect(text).toContain(`Contact #${contactId}: Anna Buyer`);
    expect(text).toContain(`Company #${companyId}: Acme`);
    expect(text).toMatch(/Won: RUB\s?150,000\.00, \$1,000\.00 \(2 deals\)/);
    expect(text).toMatch(/Open pipeline: RUB\s?50,000\.00 \(1 deal\)/);
    expect(text).toContain('Lost: 1 deal');
    expect(text).toContain('First contact Jan 5, 2026, last Feb 7, 2026');
    expect(text).toContain('Average first response: 2 min (1 lead)');
    expect(text).toContain('Acme as a whole (1 contact)');
    expect(buttons(card)).toEqual([`contact:tags:${contactId}`, `ctag:show:${companyId}`]);

    await head.press(`contact:tags:${contactId}`, card);
    expect((await head.next('the tags')).message.text).toContain('no tags yet');

    await head.send(`/tag ${contactId} VIP #wholesale`);
    const tagged = await head.next('tags saved');
    expect(tagged.message.text).toContain('Tags saved.');
    expect(tagged.message.text).toContain('#vip #wholesale');
    expect(buttons(tagged)).toEqual([`tag:rm:${contactId}:vip`, `tag:rm:${contactId}:wholesale`]);
    await head.press(`tag:rm:${contactId}:vip`, tagged);
    const removed = await head.next('tag removed');
    expect(removed.message.text).toContain('#wholesale');
    expect(removed.message.text).not.toContain('#vip');
    expect((await stack.db.contact.findUniqueOrThrow({ where: { id: contactId } })).tags).toEqual(['wholesale']);
    // the remove button turned into an add button for the workspace's tag... it is no longer in use anywhere, so no suggestion
    expect(buttons(removed)).toEqual([`tag:rm:${contactId}:wholesale`]);
    const audits = await stack.db.auditLog.findMany({ where: { workspaceId: stack.ws.id, action: 'contact.tags' }, orderBy: { id: 'asc' } });
    expect(audits.map((a) => (a.after as { tags: string[] }).tags)).toEqual([['vip', 'wholesale'], ['wholesale']]);

    await head.send(`/tag company ${companyId} key-account`);
    expect((await head.next('company tags')).message.text).toContain('#key-account');
    expect((await stack.db.company.findUniqueOrThrow({ where: { id: companyId } })).tags).toEqual(['key-account']);

    await head.send(`/field ${contactId} INN: 7701234567`);
    expect((await head.next('field set')).message.text).toBe(`Contact #${contactId} Anna Buyer: INN = 7701234567.`);
    expect((await stack.db.contact.findUniqueOrThrow({ where: { id: contactId } })).fields).toEqual({ INN: '7701234567' });
    await head.send(`/contact #${contactId}`);
    const again = (await head.next('the card again')).message.text;
    expect(again).toContain('Tags: #wholesale');
    expect(again).toContain('INN: 7701234567');

    await head.send('/top');
    const top = await head.next('/top');
    expect(top.message.text).toContain('Top customers by won amount, 30 days');
    expect(top.message.text).toMatch(new RegExp(`1\\. Anna Buyer \\(#${contactId}\\) — RUB\\s?150,000\\.00, 1 deal`));
    expect(top.message.text).not.toContain('$1,000.00'); // won 100 days ago
    expect(buttons(top)).toEqual(['top:show:7:contact', 'top:show:30:contact', 'top:show:90:contact', 'top:show:365:contact', 'top:show:30:company']);
    await head.press('top:show:365:company', top);
    const year = await head.next('/top companies over 12 months');
    expect(year.message.text).toContain('Top companies by won amount, 12 months');
    expect(year.message.text).toMatch(/1\. Acme — RUB\s?150,000\.00, 1 deal/);
    expect(year.message.text).toMatch(/1\. Acme — \$1,000\.00, 1 deal/);
  }, 90_000);

  it('Slack, manager (ru): the card of a contact they work with, tags from /crm tag and a button, /crm top refused', async () => {
    const { fake } = slack;
    const crm = (text: string) =>
      slack.postForm({
        command: '/crm',
        text,
        user_id: MANAGER,
        team_id: fake.teamId,
        channel_id: 'CGENERAL',
        trigger_id: `trig-${slack.run}-${randomUUID()}`,
        response_url: fake.responseUrl(),
      });
    const dm = (what: string, match: (text: string) => boolean) =>
      fake
        .waitForCall('chat.postMessage', (c) => c.params.channel === managerDm && match(slackText(c)), 15_000)
        .catch((e: unknown) => {
          throw new Error(`${what}: ${String(e)}`);
        });

    expect((await crm(`contact #${contactId}`)).status).toBe(200);
    const card = await dm('the card', (t) => t.includes(`Контакт #${contactId}`));
    expect(slackText(card)).toMatch(/Выиграно: .*150\s?000,00.*\(2 сделки\)/);
    expect(slackText(card)).toContain('Проиграна 1 сделка');
    expect(slackText(card)).not.toContain('целиком'); // the company's totals are for heads

    expect((await crm(`tag ${contactId} опт`)).status).toBe(200);
    await dm('tags saved', (t) => t.includes('Теги сохранены.') && t.includes('#опт'));
    expect((await stack.db.contact.findUniqueOrThrow({ where: { id: contactId } })).tags).toEqual(['wholesale', 'опт']);

    expect((await slack.click(MANAGER, `tag:rm:${contactId}:wholesale`, { channel: managerDm, messageTs: slack.nextTs() })).status).toBe(200);
    await waitFor(async () => {
      const c = await stack.db.contact.findUniqueOrThrow({ where: { id: contactId } });
      return c.tags.join(',') === 'опт' ? c : null;
    }, 'the tag removed by the button');

    expect((await crm('top')).status).toBe(200);
    await dm('/top refused', (t) => t.includes('Список лучших клиентов доступен руководителям'));
  }, 90_000);
});
