// The soak's verdict (bench/soak/checks.ts) on rows in the test database and what the fakes
// recorded: a clean run passes, and each kind of fault it exists to find fails it (a message
// accepted but not stored, one stored twice, a notification sent twice and outside the
// ledger, a 429), so `npm run soak` cannot pass for want of looking.
import { describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { testDb, uniqueSlug } from '../../support/db.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { failuresOf, runChecks, type BotRecord } from '../../../bench/soak/checks.js';
import type { CustomerMessage, Manager } from '../../../bench/soak/traffic.js';
import type { AcceptedMessage } from '../../support/limited-bot-api.js';

const db = testDb();

async function world() {
  const ws = await ensureWorkspace(db, uniqueSlug('soakcheck'), { timezone: 'UTC', locale: 'en' });
  const user = await db.user.create({ data: { workspaceId: ws.id, name: 'Mia', role: 'manager', locale: 'en' } });
  const manager: Manager = { userId: user.id, name: 'Mia', channel: 'telegram', chatId: `5${ws.id}` };
  const contact = await db.contact.create({ data: { workspaceId: ws.id, name: 'Ivan', nameKey: 'ivan' } });
  const conversation = await db.conversation.create({ data: { workspaceId: ws.id, contactId: contact.id, channel: 'telegram' } });
  let seq = 0;
  const store = (token: string) =>
    db.message.create({
      data: {
        workspaceId: ws.id,
        conversationId: conversation.id,
        direction: 'inbound',
        channel: 'telegram',
        externalId: `c:${++seq}`,
        text: `quote, ref ${token}`,
      },
    });
  const bot: BotRecord & { accepted: AcceptedMessage[] } = { accepted: [], refused: [], rejected: 0 };
  const send = async (chatId: string, text: string, buttons?: AcceptedMessage['buttons'], dedupeKey?: string) => {
    const m: AcceptedMessage = { token: 't', chatId, method: 'sendMessage', text, messageId: bot.accepted.length + 1, buttons, at: Date.now(), files: [] };
    bot.accepted.push(m);
    // what the outbound worker records once the platform took it
    if (dedupeKey)
      await db.outboundDelivery.create({
        data: { dedupeKey: `${ws.id}:${dedupeKey}`, workspaceId: ws.id, status: 'sent', externalMessageId: String(m.messageId), sentAt: new Date() },
      });
  };
  const accepted = (token: string, dedupeKey?: string): CustomerMessage => ({
    token,
    channel: 'telegram',
    customer: '600000001',
    accepted: true,
    attempts: 1,
    givenUp: false,
    ...(dedupeKey ? { dedupeKey } : {}),
  });
  /** a notice's ledger row as the outbound worker leaves it once another message carried it */
  const carried = (dedupeKey: string, status: 'sent' | 'coalesced', messageId: number) =>
    db.outboundDelivery.create({ data: { dedupeKey, workspaceId: ws.id, status, externalMessageId: String(messageId), sentAt: new Date() } });
  const check = (customerMessages: CustomerMessage[]) =>
    runChecks({
      db,
      workspaceId: ws.id,
      traffic: { customerMessages, commands: [], answers: [] },
      managers: [manager],
      digests: [],
      bot,
      slack: { calls: [], rateLimited: 0 },
      smtp: { sent: [] as ParsedMail[] },
      now: Date.now(),
    });
  return { ws, manager, store, send, bot, accepted, carried, check };
}

const take = [[{ text: 'Take', callback_data: 'lead:take:1' }]];

describe('the soak checks', () => {
  it('pass a run where each message was stored, notified and acknowledged once, all in the ledger', async () => {
    const w = await world();
    await w.store('soak-t00001');
    await w.send(w.manager.chatId, 'New lead #1 from Ivan (Telegram):\nquote, ref soak-t00001', take, 'notify:1');
    await w.send('600000001', 'Thank you! We have received your message.', undefined, 'ack:1');
    const report = await w.check([w.accepted('soak-t00001')]);
    expect(failuresOf(report)).toEqual([]);
    expect(report.tallies.find((t) => t.name === 'notifications to the manager')).toMatchObject({ expected: 1, ok: 1 });
    expect(report.waiting).toBe(0);
  });

  it('fail on a message lost, one stored twice, a notification sent twice outside the ledger, and a 429', async () => {
    const w = await world();
    await w.store('soak-t00001');
    await w.store('soak-t00002');
    await w.store('soak-t00002');
    await w.send(w.manager.chatId, 'New lead #1 from Ivan (Telegram):\nquote, ref soak-t00001', take, 'notify:1');
    await w.send(w.manager.chatId, 'New lead #1 from Ivan (Telegram):\nquote, ref soak-t00001', take);
    await w.send('600000001', 'Thank you! We have received your message.', undefined, 'ack:1');
    w.bot.rejected = 1;
    w.bot.refused.push({ chatId: w.manager.chatId, method: 'sendMessage', text: 'x', limit: 'chat', previousAt: Date.now() - 300, at: Date.now() });
    const report = await w.check([w.accepted('soak-t00001'), w.accepted('soak-t00002'), w.accepted('soak-t00003')]);
    const stored = report.tallies.find((t) => t.name === 'telegram messages stored')!;
    expect(stored).toMatchObject({ expected: 3, ok: 1, missing: ['soak-t00003 (600000001)'], duplicated: ['soak-t00002 (600000001) ×2'] });
    expect(report.tallies.find((t) => t.name === 'notifications to the manager')!.duplicated).toEqual(['soak-t00001 ×2']);
    expect(report.waiting).toBeGreaterThan(0);
    const failures = failuresOf(report).join('\n');
    expect(failures).toContain('1 send(s) at the fakes that the ledger does not record');
    expect(failures).toMatch(/sent 2× to telegram \d+ at .* \(1 of them not in the ledger\)/);
    expect(failures).toContain('429 at the fakes: Telegram 1');
  });

  it('count a summary of folded notices as the notification of each message it names, with its folded rows in the ledger', async () => {
    const w = await world();
    await w.store('soak-t00001');
    await w.store('soak-t00002');
    await w.send(
      w.manager.chatId,
      '📥 2 new messages from 2 customers:\n• Ivan, lead #1: quote, ref soak-t00001\n• Anna, lead #2: quote, ref soak-t00002\nIn full: /lead N.\n\n' +
        'The latest, from Anna. A reply to this message goes to them:\nNew lead #2 from Anna (Telegram):\nquote, ref soak-t00002',
      take,
      'notify:1',
    );
    await db.outboundDelivery.create({
      data: {
        dedupeKey: `${w.manager.chatId}:notify:2`,
        workspaceId: (await db.user.findUniqueOrThrow({ where: { id: w.manager.userId } })).workspaceId,
        status: 'coalesced',
        externalMessageId: String(w.bot.accepted.at(-1)!.messageId),
        coalescedInto: 'notify:1',
      },
    });
    await w.send('600000001', 'Thank you! We have received your message.', undefined, 'ack:1');
    const report = await w.check([w.accepted('soak-t00001'), w.accepted('soak-t00002')]);
    expect(report.tallies.find((t) => t.name === 'notifications to the manager')).toMatchObject({ expected: 2, ok: 2 });
    expect(failuresOf(report)).toEqual([]);
  });

  it("count a notice folded behind the same customer's later message through its ledger row, and only when a fake took the message it names", async () => {
    const w = await world();
    await w.store('soak-t00001');
    await w.store('soak-t00002');
    await w.store('soak-t00003');
    // the summary counts Ivan's two messages and quotes only the latest (core/outbound/coalesce.ts)
    await w.send(
      w.manager.chatId,
      '📥 2 new messages from 1 customer:\n• Ivan, lead #1 (2 messages): quote, ref soak-t00002\nIn full: /lead N.\n\n' +
        'The latest, from Ivan. A reply to this message goes to them:\nIvan, lead #1:\nquote, ref soak-t00002',
      take,
      'notify:1',
    );
    const summary = w.bot.accepted.at(-1)!.messageId;
    await w.carried(`forward:tg:${w.ws.id}:1`, 'coalesced', summary);
    // soak-t00003's row names a message no fake accepted: it stays missing
    await w.carried(`forward:tg:${w.ws.id}:3`, 'coalesced', summary + 1000);
    await w.send('600000001', 'Thank you! We have received your message.', undefined, 'ack:1');
    const report = await w.check([
      w.accepted('soak-t00001', `tg:${w.ws.id}:1`),
      w.accepted('soak-t00002', `tg:${w.ws.id}:2`),
      w.accepted('soak-t00003', `tg:${w.ws.id}:3`),
    ]);
    expect(report.tallies.find((t) => t.name === 'notifications to the manager')).toMatchObject({ expected: 3, ok: 2, missing: ['soak-t00003'] });
    expect(report.foldedNotices).toBe(1);
  });

  it('take no token cut short in a snippet for another message', async () => {
    const w = await world();
    await w.store('soak-t00011');
    // soak-t00115's snippet cut after "soak-t0011": neither soak-t00011 nor anything else
    await w.send(w.manager.chatId, 'New lead #1 from Ivan (Telegram):\nquote, ref soak-t00011', take, 'notify:1');
    await w.send(w.manager.chatId, '📥 2 new messages from 2 customers:\n• Oleg, lead #9: quote, ref soak-t0011…', take, 'notify:9');
    await w.send('600000001', 'Thank you! We have received your message.', undefined, 'ack:1');
    const report = await w.check([w.accepted('soak-t00011')]);
    expect(report.tallies.find((t) => t.name === 'notifications to the manager')).toMatchObject({ expected: 1, ok: 1, duplicated: [] });
  });
});
