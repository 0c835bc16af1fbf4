// A message's trace (the id of the request that brought it) is carried by the outbox items its
// turn causes into the log lines of their sends: the engine the inbound worker runs, the
// outbound queue and the send runner on real Postgres and Redis, a pino logger at debug level
// recording every line.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { testDb } from '../../support/db.js';
import { pushWorkspace, RecordingSender, type Member } from '../../support/push.js';
import { waitFor } from '../../support/wait.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { startWorkers, type RunningWorkers } from '../../../connectors/queue/workers.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { createChatEngine, type ChatEngine } from '../../../bots/chat-runtime.js';
import { testPrefix } from '../../support/redis-keys.js';

const db = testDb();
const sender = new RecordingSender();
const lines: Array<Record<string, unknown>> = [];
const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
let workers: RunningWorkers;
let engine: ChatEngine;
let manager: Member;
let workspaceId: number;

beforeAll(async () => {
  const team = await pushWorkspace(db, [{ name: 'Tracy' }]);
  workspaceId = team.workspace.id;
  manager = team.members[0]!;
  const settings = queueSettings(inject('redisUrl'), testPrefix('t-trace'));
  workers = await startWorkers({ ctx: dbContext(db), settings, senders: { console: sender }, logger: log, reconcile: false });
  engine = createChatEngine({ db, settings, workspaceId, outbox: workers.outbox, scheduler: workers.scheduler, logger: log });
});

afterAll(async () => {
  await engine?.close();
  await workers?.close();
});

describe('trace ids', () => {
  it("a customer's message handled with a trace: the manager's notice and the acknowledgement are sent under it", async () => {
    const who = `trace-${randomUUID().slice(0, 8)}`;
    const traceId = `req-${randomUUID()}`;
    await engine.handle({
      workspaceId,
      channel: 'console',
      externalUserId: who,
      externalChatId: who,
      text: 'Hello, I need a quote',
      attachments: [],
      dedupeKey: `console:${who}:1`,
      messageExternalId: `${who}:1`,
      receivedAt: new Date().toISOString(),
      traceId,
    });
    const notice = await waitFor(() => sender.sent.find((m) => m.chatId === manager.chatId && m.text.includes(who)), "the manager's notice");
    const ack = await waitFor(() => sender.sent.find((m) => m.chatId === who), "the customer's acknowledgement");
    const sent = await waitFor(() => {
      const mine = lines.filter((l) => l.msg === 'sent' && l.traceId === traceId);
      return mine.length >= 2 ? mine : null;
    }, 'both sends logged under the trace');
    expect(sent.map((l) => l.externalMessageId).sort()).toEqual([notice.externalMessageId, ack.externalMessageId].sort());
    // nothing else was sent under it
    expect(lines.filter((l) => l.msg === 'sent' && l.traceId === traceId)).toHaveLength(2);
  });

  it('a send no message caused (a reminder, a digest, a mailing) is traced by its dedupe key', async () => {
    const dedupeKey = `digest:trace-${randomUUID().slice(0, 8)}`;
    await workers.outbox.enqueue({ workspaceId, identityId: manager.identityId, text: 'Your day', lane: 'digest', dedupeKey });
    const sent = await waitFor(() => lines.find((l) => l.msg === 'sent' && l.traceId === dedupeKey), 'the send logged under its dedupe key');
    expect(sender.sent.map((m) => m.externalMessageId)).toContain(sent.externalMessageId);
  });
});
