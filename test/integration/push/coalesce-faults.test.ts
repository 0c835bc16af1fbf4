// Coalescing when the carrying message is not sent: a summary refused with a transient error,
// or with 429 retry_after, hands its folded notices back (Redis and the ledger); they go in a
// later message, and every notice still ends "sent" or "coalesced" exactly once, each lead
// named in exactly one accepted message.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDb } from '../../support/db.js';
import { pushWorkspace, RecordingSender, type Member } from '../../support/push.js';
import { waitFor } from '../../support/wait.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { startWorkers, type RunningWorkers } from '../../../connectors/queue/workers.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { RateLimitedError, type OutboundMessage, type OutboxItem } from '../../../core/ports.js';

const db = testDb();
const failures = new Map<string, (m: OutboundMessage) => Error | undefined>();
const sender = new RecordingSender((m) => failures.get(m.chatId)?.(m));
let running: RunningWorkers;
let workspaceId: number;
let members: Member[];

beforeAll(async () => {
  const base = Date.now();
  const made = await pushWorkspace(db, [
    { name: 'A', channel: 'telegram', chatId: `${base}1` },
    { name: 'B', channel: 'telegram', chatId: `${base}2` },
  ]);
  workspaceId = made.workspace.id;
  members = made.members;
  running = await startWorkers({
    ctx: dbContext(db),
    settings: queueSettings(inject('redisUrl'), `test-fold-${randomUUID().slice(0, 8)}`),
    senders: { telegram: sender },
    reconcile: false,
    outboundJobs: { attempts: 5, backoffMs: 100 },
  });
});

afterAll(async () => {
  await running?.close();
});

function noticeItem(to: Member, run: string, i: number): OutboxItem {
  const leadId = 900_000 + i;
  return {
    workspaceId,
    identityId: to.identityId,
    text: `New lead #${leadId} from C${i} (Telegram):\nmessage ${i}`,
    ref: { userId: to.userId, leadId },
    dedupeKey: `${run}-${i}`,
    notice: { name: `C${i}`, leadId, snippet: `message ${i}`, locale: 'en' },
  };
}

async function burst(to: Member, fail: (m: OutboundMessage) => Error | undefined) {
  const run = randomUUID().slice(0, 8);
  let failed = 0;
  failures.set(to.chatId, (m) => {
    if (failed > 0 || !m.text.startsWith('📥')) return undefined;
    failed++;
    return fail(m);
  });
  // the first goes alone; the next six wait for the chat and are folded
  await running.outbox.enqueue(noticeItem(to, run, 0));
  await waitFor(() => sender.sent.some((m) => m.chatId === to.chatId), 'the first notice', 10_000);
  await running.outbox.enqueueMany(Array.from({ length: 6 }, (_, i) => noticeItem(to, run, i + 1)));
  const rows = await waitFor(
    async () => {
      const r = await db.outboundDelivery.findMany({ where: { dedupeKey: { startsWith: `${run}-` } } });
      return r.length === 7 && r.every((x) => x.status === 'sent' || x.status === 'coalesced') ? r : null;
    },
    'all seven notices accounted for',
    30_000,
  );
  expect(failed).toBe(1);
  const got = sender.sent.filter((m) => m.chatId === to.chatId);
  for (let i = 0; i < 7; i++) {
    // named in exactly one accepted message: nothing lost, nothing told twice
    expect(got.filter((m) => m.text.includes(`#${900_000 + i}`)).length, `lead ${i}`).toBe(1);
  }
  const ids = new Set(got.map((m) => m.externalMessageId));
  for (const r of rows) expect(ids.has(r.externalMessageId!), r.dedupeKey).toBe(true);
  expect(rows.filter((r) => r.status === 'coalesced').length).toBeGreaterThan(0);
  // a summary did go out after the refused one
  expect(got.filter((m) => m.text.startsWith('📥')).length).toBeGreaterThan(0);
}

describe('a summary that is not sent', () => {
  it('hands its notices back after a transient error; they go later, each once', { timeout: 60_000 }, async () => {
    await burst(members[0]!, () => new Error('connection reset'));
  });

  it('hands its notices back after a 429; they go later, each once', { timeout: 60_000 }, async () => {
    await burst(members[1]!, () => new RateLimitedError(1000, 'Too Many Requests: retry after 1'));
  });
});
