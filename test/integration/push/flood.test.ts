// Fair workers: one chat floods Leadline with 500 messages that each need a reply while 20
// new customers write. The replies go through the outbound queue at that chat's 1 msg/s, so
// no worker waits on it: every customer's lead notification reaches the (strict) Bot API
// fake within 10 s of the customer's message, p99 within 2 s, with no 429 at all.
//
// Fairness is the inbound queue's (connectors/queue/inbound-fairness.ts): the 500 messages of
// the flooding chat get the numbers 1..500 of that chat, each new customer's first message
// number 1, so it is taken before the flood's second message.
//
// The team: Telegram lets a bot send one message per second to a chat. Twenty notifications
// to ONE manager need at least 19 s, so "each within 2 s of its own message" cannot hold at
// the platform limit whatever Leadline does if customers write 100 ms apart. The test keeps
// the goal (every notification within 10 s, p99 within 2 s of its customer's message) and
// gives it a load the platform can carry: five managers on duty (round robin), the 20
// customers writing 250 ms apart (4 new leads/s against 5 notifications/s for the team).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramStack, type TelegramStack } from '../../support/telegram-stack.js';
import { waitFor } from '../../support/wait.js';

let stack: TelegramStack;
beforeAll(async () => {
  stack = await telegramStack({ chatConcurrency: 8 });
});
afterAll(async () => {
  await stack?.close();
});

describe('a flood from one chat', () => {
  it('does not delay other customers', { timeout: 60_000 }, async () => {
    const base = 60_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
    const managers = await Promise.all(['Nina', 'Olga', 'Pavel', 'Rita', 'Sasha'].map((name, i) => stack.member(name, base + 10 + i)));
    // the flooding member is not on duty: new leads go to the five managers in turn
    const flooder = await stack.member('Fred', base + 2, { onDuty: false });
    const floodUpdates = Array.from({ length: 500 }, () => stack.text(flooder.chatId, '/help'));
    await Promise.all(floodUpdates.map((u) => stack.intake.handleUpdate(u)));

    const writtenAt = new Map<string, number>();
    for (let c = 0; c < 20; c++) {
      const name = `Customer${base + 100 + c}`;
      writtenAt.set(name, Date.now());
      await stack.intake.handleUpdate(stack.text(base + 100 + c, `Hello, I need an offer (${c})`, { firstName: name }));
      await new Promise((r) => setTimeout(r, 250));
    }
    const managerChats = new Set(managers.map((m) => String(m.chatId)));
    const notifications = () => stack.api.accepted.filter((m) => managerChats.has(m.chatId) && m.text.includes('New lead'));
    await waitFor(() => notifications().length === 20, 'the 20 lead notifications', 25_000);

    const latencies = [...writtenAt].map(([name, at]) => {
      const note = notifications().find((m) => m.text.includes(name));
      expect(note, `notification for ${name}`).toBeDefined();
      return note!.at - at;
    });
    latencies.sort((a, b) => a - b);
    console.log(`flood: lead notification latencies (ms) ${latencies.join(' ')}`);
    const p99 = latencies[Math.min(latencies.length - 1, Math.ceil(0.99 * latencies.length) - 1)]!;
    expect(latencies.at(-1)!).toBeLessThan(10_000);
    expect(p99).toBeLessThan(2_000);

    // the flood's replies are on their way at the chat's pace, in order, and nothing was refused
    await waitFor(() => stack.api.to(flooder.chatId).length >= 3, 'three replies to the flooding chat', 10_000);
    const floodTimes = stack.api.to(flooder.chatId).map((m) => m.at);
    for (let i = 1; i < floodTimes.length; i++) expect(floodTimes[i]! - floodTimes[i - 1]!).toBeGreaterThanOrEqual(1000);
    // the flood itself is not dropped, only taken after the others: each of its 500 messages gets its reply queued
    const replyJobs = () => stack.workers.outbox.queue.getJobCountByTypes('delayed', 'waiting', 'prioritized', 'active', 'completed');
    await waitFor(async () => (await replyJobs()) >= 500, 'a reply queued for each of the 500 flood messages', 20_000);
    expect(stack.api.rejected).toBe(0);
  });
});
