// Coalescing (core/outbound/coalesce.ts): 50 customers write to one manager within 2 s. At
// Telegram's 1 message a second per chat the 50 notices would take 50 s one by one; folded,
// the manager gets a few messages that together name every lead, each notice's ledger row
// ends "sent" or "coalesced" (pointing at a message the Bot API accepted), nothing is
// refused with 429, and this with two outbound worker processes (this one and a child)
// sharing the queue through Redis and Postgres. A reply to a summary answers the customer
// whose message it shows in full (the latest), as its buttons act on that customer's lead.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { telegramStack, type TelegramStack } from '../../support/telegram-stack.js';
import { waitFor } from '../../support/wait.js';
import type { AcceptedMessage } from '../../support/limited-bot-api.js';
import { outboundJobId } from '../../../connectors/queue/outbound-queue.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let stack: TelegramStack;
let child: ChildProcess | undefined;

function spawnWorker(env: Record<string, string>): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'telegram-worker-process.ts')], {
    env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(proc);
    });
    proc.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
  });
}

beforeAll(async () => {
  stack = await telegramStack({ chatConcurrency: 8 });
  child = await spawnWorker({
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    PREFIX: stack.prefix,
    TG_TOKEN: stack.token,
    TG_ROOT: stack.api.apiRoot,
  });
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await stack?.close();
});

const leadIdIn = (text: string, id: number) => new RegExp(`#${id}\\b|/lead ${id}\\b`).test(text);

describe('a burst of customers to one manager', () => {
  it('is folded into a few messages that account for every notice, with no 429, across two worker processes', { timeout: 120_000 }, async () => {
    const db = stack.db;
    const base = 70_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
    const manager = await stack.member('Mila', base);
    const customers = Array.from({ length: 50 }, (_, c) => ({ chatId: base + 100 + c, name: `Customer${base + 100 + c}` }));
    // open loop: one customer every 40 ms, whether or not the previous update was queued yet
    await Promise.all(
      customers.map(async (customer, c) => {
        await new Promise((r) => setTimeout(r, c * 40));
        await stack.intake.handleUpdate(stack.text(customer.chatId, `Hello, I need an offer (${c})`, { firstName: customer.name }));
      }),
    );

    // every customer's message is stored on a lead of its own
    const leads = await waitFor(
      async () => {
        const rows = await db.lead.findMany({ where: { workspaceId: stack.ws.id }, include: { contact: true } });
        return rows.length === 50 ? rows : null;
      },
      'the 50 leads',
      60_000,
    );
    expect(await db.message.count({ where: { workspaceId: stack.ws.id, direction: 'inbound' } })).toBe(50);

    // every notice ends "sent" or "coalesced": accounted for exactly once
    const rows = await waitFor(
      async () => {
        const r = await db.outboundDelivery.findMany({ where: { workspaceId: stack.ws.id, dedupeKey: { startsWith: 'notify:' } } });
        return r.length === 50 && r.every((x) => x.status === 'sent' || x.status === 'coalesced') ? r : null;
      },
      'every notice sent or coalesced',
      60_000,
    );
    const carriers = new Map(rows.filter((r) => r.status === 'sent').map((r) => [r.dedupeKey, r.externalMessageId!]));
    for (const r of rows.filter((x) => x.status === 'coalesced')) {
      // a folded notice names the notice whose message carried it, and that message
      expect(carriers.get(r.coalescedInto!), r.dedupeKey).toBe(r.externalMessageId);
    }
    const toManager: AcceptedMessage[] = stack.api.to(manager.chatId);
    // exactly the carrying messages reached the manager, each once
    expect(toManager.map((m) => String(m.messageId)).sort()).toEqual([...carriers.values()].sort());
    const coalescedRows = rows.filter((r) => r.status === 'coalesced');
    expect(coalescedRows.length).toBeGreaterThan(0);
    // a carried notice's job, waiting to look at its row again, was taken off the queue by the
    // carrier (one running at that moment looks at its row itself, as before)
    const jobs = await Promise.all(coalescedRows.map((r) => stack.workers.outbox.queue.getJob(outboundJobId(r.dedupeKey))));
    expect(jobs.filter((j) => j === undefined).length).toBeGreaterThan(0);
    expect(toManager.length).toBeLessThanOrEqual(15);
    console.log(`coalesce: 50 notices reached the manager in ${toManager.length} messages`);

    // together they name every lead, and each lead is told no later than a few seconds after its message
    for (const lead of leads) {
      const carrier = toManager.find((m) => leadIdIn(m.text, lead.id));
      expect(carrier, `a message naming lead #${lead.id}`).toBeDefined();
      expect(carrier!.at - lead.createdAt.getTime(), `lead #${lead.id} told within 8 s`).toBeLessThan(8_000);
    }
    // the chat limit held: one message a second, and the Bot API refused nothing
    for (let i = 1; i < toManager.length; i++) expect(toManager[i]!.at - toManager[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    expect(stack.api.rejected).toBe(0);

    // a summary shows the latest customer's message in full, with that lead's buttons
    const summary = [...toManager].reverse().find((m) => m.text.startsWith('📥'))!;
    expect(summary).toBeDefined();
    const latestName = /The latest, from (\S+)\./.exec(summary.text)![1]!;
    const latest = customers.find((c) => c.name === latestName)!;
    const latestLead = leads.find((l) => l.contact.name === latestName)!;
    expect(summary.buttons?.flat().map((b) => b.callback_data)).toContain(`lead:take:${latestLead.id}`);

    // a reply to the summary answers that customer, and only them
    const answer = `We will call you today (${base})`;
    await stack.intake.handleUpdate(stack.text(manager.chatId, answer, { replyTo: { messageId: summary.messageId, text: summary.text } }));
    await waitFor(() => stack.api.to(latest.chatId).some((m) => m.text === answer), `the answer in ${latestName}'s chat`, 20_000);
    await waitFor(() => stack.api.to(manager.chatId).some((m) => m.text.startsWith(`Sent to ${latestName}`)), 'the "sent to" confirmation', 20_000);
    expect(stack.api.accepted.filter((m) => m.text === answer)).toHaveLength(1);

    // once the chat is quiet, the next customer's notice goes out alone, as it is
    const late = { chatId: base + 99, name: `Customer${base + 99}` };
    await stack.intake.handleUpdate(stack.text(late.chatId, 'One more question', { firstName: late.name }));
    const alone = await waitFor(() => stack.api.to(manager.chatId).find((m) => m.text.includes(late.name)), 'the late notice', 20_000);
    expect(alone.text).toMatch(/^New lead #\d+ from Customer\d+ \(Telegram\):\nOne more question/);
    expect(stack.api.rejected).toBe(0);
  });
});
