// Fixtures for the push tests: a workspace with team members reachable on a channel, a
// recording ChannelSender, private Redis servers (for FLUSHALL and crash tests) and polling.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '../../core/db.js';
import type { ChannelSender, OutboundMessage, SendResult } from '../../core/ports.js';
import type { Role, Channel } from '../../prisma/generated/enums.js';
import { ensureWorkspace } from '../../core/workspaces/ensure-workspace.js';
import { changeSetting } from '../../core/workspaces/settings.js';
import { systemActor } from '../../core/actor.js';
import { dbContext } from '../../connectors/db/stores/index.js';
import { uniqueSlug } from './db.js';
import { freePort, waitFor } from './wait.js';

export interface Member {
  userId: number;
  identityId: number;
  chatId: string;
}

export async function pushWorkspace(
  db: Db,
  members: Array<{ name: string; role?: Role; channel?: Channel; chatId?: string; timezone?: string; locale?: string; onDuty?: boolean }>,
  settings: { autoReassignOnBreach?: boolean; timezone?: string } = {},
) {
  const ws = await ensureWorkspace(db, uniqueSlug('push'), { timezone: settings.timezone ?? 'Europe/Moscow', locale: 'en' });
  // through the settings use case an admin uses (/settings, leadline settings set), not SQL
  if (settings.autoReassignOnBreach) await changeSetting(dbContext(db), systemActor(ws), 'auto-reassign', 'on');
  const out: Member[] = [];
  for (const m of members) {
    const user = await db.user.create({
      data: { workspaceId: ws.id, name: m.name, role: m.role ?? 'manager', timezone: m.timezone, locale: m.locale, onDuty: m.onDuty ?? true },
    });
    const chatId = m.chatId ?? `chat-${user.id}`;
    const identity = await db.identity.create({
      data: { workspaceId: ws.id, channel: m.channel ?? 'console', externalId: `${m.channel ?? 'console'}-${user.id}-${ws.id}`, chatId, userId: user.id },
    });
    out.push({ userId: user.id, identityId: identity.id, chatId });
  }
  return { workspace: ws, members: out };
}

export interface Sent extends OutboundMessage {
  at: number;
  externalMessageId: string;
}

/** Remembers every message; optional `fail` decides per message to throw instead. */
export class RecordingSender implements ChannelSender {
  sent: Sent[] = [];
  attempts = 0;
  private seq = 0;
  constructor(
    public fail?: (message: OutboundMessage, attempt: number) => Error | undefined,
    private readonly file?: string,
  ) {}
  async send(message: OutboundMessage): Promise<SendResult> {
    this.attempts++;
    const error = this.fail?.(message, this.attempts);
    if (error) throw error;
    const externalMessageId = `m-${process.pid}-${++this.seq}`;
    const at = Date.now();
    this.sent.push({ ...message, at, externalMessageId });
    if (this.file) appendFileSync(this.file, JSON.stringify({ chatId: message.chatId, text: message.text, at, pid: process.pid }) + '\n');
    return { externalMessageId };
  }
}

/** Whether a sent message is task `taskId`'s reminder (its first button is that task's Done). */
export const isReminderOf = (message: Pick<OutboundMessage, 'buttons'>, taskId: number): boolean => message.buttons?.[0]?.[0]?.data === `task:done:${taskId}`;

/** The reminders of task `taskId` a recording sender took, in order. */
export const remindersSent = (sender: RecordingSender, taskId: number): Sent[] => sender.sent.filter((m) => isReminderOf(m, taskId));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves once the outbound queue has nothing waiting, running or delayed: what was enqueued
 * before this call has been sent (or given up). The sentinel for "nothing more was sent".
 */
export async function outboundDrained(outbox: { queue: CountedQueue }): Promise<void> {
  await queuesDrained(outbox.queue);
}

interface CountedQueue {
  name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

/**
 * Resolves once none of the queues has a job waiting, running or delayed. A job held by a
 * killed worker counts as active until the stalled-job check hands it to another worker and
 * that one finishes it, so after this no late duplicate can still come.
 */
export async function queuesDrained(...queues: CountedQueue[]): Promise<void> {
  await waitFor(
    async () => {
      for (const q of queues) {
        const counts = await q.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused');
        if (Object.values(counts).some((n) => n > 0)) return false;
      }
      return true;
    },
    `queues ${queues.map((q) => q.name).join(', ')} to drain`,
    30_000,
  );
}

/** A throw-away redis-server of our own, so FLUSHALL hits nobody else's queues. */
export async function privateRedis(): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  const port = await freePort();
  // its files (an append-only file, if a test turns it on) go to a folder of its own
  const dir = mkdtempSync(path.join(tmpdir(), 'leadline-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--dir', dir],
    {
      stdio: 'ignore',
    },
  );
  const url = `redis://127.0.0.1:${port}`;
  const { Redis } = await import('ioredis');
  await waitFor(
    async () => {
      const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => undefined);
      try {
        await r.connect();
        return (await r.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        r.disconnect();
      }
    },
    'the private redis-server to answer',
    10_000,
    50,
  );
  return {
    url,
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        // SIGKILL: nothing of a throw-away server is worth a clean shutdown (and with an
        // append-only file turned on, a clean one waits for its rewrite)
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
