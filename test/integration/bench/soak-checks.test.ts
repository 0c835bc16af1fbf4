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
  const accepted = (token: string): CustomerMessage => ({ token, channel: 'telegram', customer: '600000001', accepted: true, attempts: 1, givenUp: false });
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
  return { manager, store, send, bot, accepted, check };
}

const take = [[{ text: 'Take', callback_data: 'lead:take:1' }]];

describe('the soak checks', () => {
  it('pass a run where each message was stored, notified and acknowledged once, all in the ledger', async () => {
    const w = await world();
    await w.store('soak-t1');
    await w.send(w.manager.chatId, 'New lead #1 from Ivan (Telegram):\nquote, ref soak-t1', take, 'notify:1');
    await w.send('600000001', 'Thank you! We have received your message.', undefined, 'ack:1');
    const report = await w.check([w.accepted('soak-t1')]);
    expect(failuresOf(report)).toEqual([]);
    expect(report.tallies.find((t) => t.name === 'notifications to the manager')).toMatchObject({ expected: 1, ok: 1 });
    expect(report.waiting).toBe(0);
  });

  it('fail on a message lost, one stored twice, a notification sent twice outside the ledger, and a 429', async () => {
    const w = await world();
    await w.store('soak-t1');
    await w.store('soak-t2');
    await w.store('soak-t2');
    await w.send(w.manager.chatId, 'New lead #1 from Ivan (Telegram):\nquote, ref soak-t1', take, 'notify:1');
    await w.send(w.manager.chatId, 'New lead #1 from Ivan (Telegram):\nquote, ref soak-t1', take);
    await w.send('600000001', 'Thank you! We have received your message.', undefined, 'ack:1');
    w.bot.rejected = 1;
    w.bot.refused.push({ chatId: w.manager.chatId, method: 'sendMessage', text: 'x', limit: 'chat', previousAt: Date.now() - 300, at: Date.now() });
    const report = await w.check([w.accepted('soak-t1'), w.accepted('soak-t2'), w.accepted('soak-t3')]);
    const stored = report.tallies.find((t) => t.name === 'telegram messages stored')!;
    expect(stored).toMatchObject({ expected: 3, ok: 1, missing: ['soak-t3 (600000001)'], duplicated: ['soak-t2 (600000001) ×2'] });
    expect(report.tallies.find((t) => t.name === 'notifications to the manager')!.duplicated).toEqual(['soak-t1 ×2']);
    expect(report.waiting).toBeGreaterThan(0);
    const failures = failuresOf(report).join('\n');
    expect(failures).toContain('1 send(s) at the fakes that the ledger does not record');
    expect(failures).toMatch(/sent 2× to telegram \d+ at .* \(1 of them not in the ledger\)/);
    expect(failures).toContain('429 at the fakes: Telegram 1');
  });

  it('count a summary of folded notices as the notification of each message it names, with its folded rows in the ledger', async () => {
    const w = await world();
    await w.store('soak-t1');
    await w.store('soak-t2');
    await w.send(
      w.manager.chatId,
      '📥 2 new messages from 2 customers:\n• Ivan, lead #1: quote, ref soak-t1\n• Anna, lead #2: quote, ref soak-t2\nIn full: /lead N.\n\n' +
        'The latest, from Anna. A reply to this message goes to them:\nNew lead #2 from Anna (Telegram):\nquote, ref soak-t2',
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
    const report = await w.check([w.accepted('soak-t1'), w.accepted('soak-t2')]);
    expect(report.tallies.find((t) => t.name === 'notifications to the manager')).toMatchObject({ expected: 2, ok: 2 });
    expect(failuresOf(report)).toEqual([]);
  });
});
