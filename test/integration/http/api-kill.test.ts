// A real `leadline start` web process SIGKILLed while REST API leads are in flight. Its turns
// run in that process (no queue job to redeliver them), so whatever it had committed without
// queueing the notification would be lost but for the turns' guards in Redis: here a worker
// started after the kill sweeps them (as its periodic sweep does once they are due; its clock
// is the one thing moved forward) and every lead stored ends with its assignee notified exactly
// once, every lead answered 201 among them, and nothing left pending on any event.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { testDb } from '../../support/db.js';
import { pushWorkspace, queuesDrained, RecordingSender } from '../../support/push.js';
import { freePort, waitFor } from '../../support/wait.js';
import { testPrefix } from '../../support/redis-keys.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { systemActor } from '../../../core/actor.js';
import { createApiKey } from '../../../core/api/api-keys.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { InboundQueue } from '../../../connectors/queue/inbound-queue.js';
import { startWorkers } from '../../../connectors/queue/workers.js';
import { startChatWorker } from '../../../bots/chat-runtime.js';

const db = testDb();
const log = pino({ level: 'silent' });
const cleanups: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

function startWeb(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/leadline.js', 'start'], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(async () => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('HTTP listening')) resolve(child);
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => reject(new Error(`the web process exited early with ${code}: ${err.slice(-500)}`)));
  });
}

describe('a web process SIGKILLed with API leads in flight', { timeout: 120_000 }, () => {
  it('every lead it stored is notified exactly once; none is left pending', async () => {
    const team = await pushWorkspace(db, [{ name: 'Kai' }, { name: 'Kim' }]);
    const ws = team.workspace;
    const prefix = testPrefix('t-api-kill');
    const port = await freePort();
    const web = await startWeb({
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: prefix,
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      LEADLINE_ROLES: 'web',
      DEFAULT_WORKSPACE: ws.slug,
      API_RATE_PER_KEY_PER_MINUTE: '100000',
    });
    const made = await createApiKey(dbContext(db), systemActor(ws), { name: 'kill', scopes: ['leads:write'] });
    const run = randomUUID().slice(0, 8);

    // requests keep coming, 24 at a time, until the process is killed after 30 answers
    const answered = new Map<string, number>();
    let sent = 0;
    let killed = false;
    const post = async (): Promise<void> => {
      while (!killed) {
        const text = `kill-${run} request [${sent++}]`;
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/leads`, {
            method: 'POST',
            headers: { authorization: `Bearer ${made.key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ name: `Buyer ${text}`, email: `${text.replace(/\W+/g, '-').replace(/-$/, '')}@example.com`, message: text }),
          });
          if (res.status === 201) answered.set(text, ((await res.json()) as { id: number }).id);
        } catch {
          // the connection died with the process
        }
        if (answered.size >= 30 && !killed) {
          killed = true;
          web.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 24 }, post));
    await new Promise<void>((resolve) => (web.exitCode !== null || web.signalCode !== null ? resolve() : web.once('exit', () => resolve())));

    // a worker comes up after the kill; its sweep takes the guards left behind once they are due
    const sender = new RecordingSender();
    const settings = queueSettings(inject('redisUrl'), prefix);
    const workers = await startWorkers({ ctx: dbContext(db), settings, senders: { console: sender }, logger: log, reconcile: false });
    cleanups.push(() => workers.close());
    const chat = startChatWorker({ db, settings, workspaceId: ws.id, outbox: workers.outbox, scheduler: workers.scheduler, logger: log, guardSweepMs: 0 });
    cleanups.push(() => chat.close());
    const inbound = new InboundQueue(settings);
    cleanups.push(() => inbound.close());
    const swept = await inbound.sweepGuards(Date.now() + 3600_000);
    await queuesDrained(inbound.queue, workers.outbox.queue);

    const leads = await db.lead.findMany({ where: { workspaceId: ws.id }, include: { contact: true } });
    expect(leads.length).toBeGreaterThanOrEqual(answered.size);
    // the process was killed mid-flight: turns it had begun were left to their guards
    expect(swept).toBeGreaterThan(0);
    for (const id of answered.values()) expect(leads.map((l) => l.id)).toContain(id);
    const chats = new Map(team.members.map((m) => [m.userId, m.chatId]));
    for (const lead of leads) {
      const text = lead.contact.name.replace(/^Buyer /, '');
      const notices = sender.sent.filter((m) => m.text.includes(text));
      expect(notices, `the notices of ${text}`).toHaveLength(1);
      expect(notices[0]!.chatId).toBe(chats.get(lead.assigneeId!));
    }
    const events = await db.inboundEvent.findMany({ where: { dedupeKey: { startsWith: `web:api:${made.id}:` } } });
    expect(events.length).toBe(leads.length);
    expect(events.filter((e) => Array.isArray(e.pendingOutbox))).toEqual([]);
    await waitFor(async () => (await inbound.sweepGuards(Date.now() + 3600_000)) === 0, 'no guard left');
  });
});
