// Fair workers: one chat floods Leadline with 500 messages that each need a reply while 20
// new customers write. The replies go through the outbound queue at that chat's 1 msg/s, so
// no worker waits on it: every customer's lead notification reaches the (strict) Bot API
// fake within 10 s of the customer's message, p99 within 2 s, with no 429 at all.
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
    const manager = await stack.member('Nina', base + 1);
    // the flooding member is not on duty: new leads go to Nina
    const flooder = await stack.member('Fred', base + 2, { onDuty: false });
    const floodUpdates = Array.from({ length: 500 }, () => stack.text(flooder.chatId, '/help'));
    await Promise.all(floodUpdates.map((u) => stack.intake.handleUpdate(u)));

    const writtenAt = new Map<string, number>();
    for (let c = 0; c < 20; c++) {
      const name = `Customer${base + 100 + c}`;
      writtenAt.set(name, Date.now());
      await stack.intake.handleUpdate(stack.text(base + 100 + c, `Hello, I need an offer (${c})`, { firstName: name }));
      await new Promise((r) => setTimeout(r, 100));
    }
    const notifications = () => stack.api.to(manager.chatId).filter((m) => m.text.includes('New lead'));
    await waitFor(() => notifications().length === 20, 'the 20 lead notifications', 25_000);

    const latencies = [...writtenAt].map(([name, at]) => {
      const note = notifications().find((m) => m.text.includes(name));
      expect(note, `notification for ${name}`).toBeDefined();
      return note!.at - at;
    });
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.min(latencies.length - 1, Math.ceil(0.99 * latencies.length) - 1)]!;
    expect(latencies.at(-1)!).toBeLessThan(10_000);
    expect(p99).toBeLessThan(2_000);

    // the flood's replies are on their way at the chat's pace, in order, and nothing was refused
    await waitFor(() => stack.api.to(flooder.chatId).length >= 3, 'three replies to the flooding chat', 10_000);
    const floodTimes = stack.api.to(flooder.chatId).map((m) => m.at);
    for (let i = 1; i < floodTimes.length; i++) expect(floodTimes[i]! - floodTimes[i - 1]!).toBeGreaterThanOrEqual(1000);
    const replyJobs = await stack.workers.outbox.queue.getJobCountByTypes('delayed', 'waiting', 'prioritized', 'active', 'completed');
    expect(replyJobs).toBeGreaterThanOrEqual(500);
    expect(stack.api.rejected).toBe(0);
  });
});
