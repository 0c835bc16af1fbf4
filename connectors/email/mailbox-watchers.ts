// The `watcher` role: one MailboxWatcher per active mailbox, each owned by exactly one process
// through a Redis lease (any number of processes may run the role; a mailbox whose owner dies
// is taken over on the next check). Leads and replies go to `deliver` (the inbound queue in
// production), bounces and other mail are recorded by the intake.
//
// Composition root (bots/main.ts) wiring, for the role `watcher`:
//   const inbound = new InboundQueue(settings);
//   const watchers = await startMailboxWatchers({ db, redis: settings.redis, prefix: settings.prefix,
//     deliver: (m) => inbound.enqueue(m), limits: { maxBodyChars: config.EMAIL_MAX_BODY_CHARS,
//     maxAttachmentBytes: config.EMAIL_MAX_ATTACHMENT_BYTES }, pollIntervalMs: config.IMAP_POLL_INTERVAL_MS, logger });
//   stops.push(() => watchers.stop());
// and for the `worker` role the email sender: senders.email = new SmtpEmailSender(db).
import type { Db } from '../../core/db.js';
import type { InboundMessageInput } from '../../core/chat/inbound.js';
import { RedisLease } from '../queue/redis-lock.js';
import type { RedisLike } from '../queue/connection.js';
import type { Logger } from '../logger.js';
import { IntakeCache, ingestRawEmail } from './email-intake.js';
import { dedupeKeyFor, MailboxWatcher } from './mailbox-watcher.js';
import type { ParseLimits } from './parse-email.js';
import type { FileStore } from '../../core/files/file-store.js';

export interface MailboxWatchersOptions {
  db: Db;
  redis: RedisLike;
  prefix: string;
  deliver: (message: InboundMessageInput) => Promise<void>;
  limits: ParseLimits;
  /** where attachments are stored (core/files) */
  files?: FileStore;
  pollIntervalMs?: number;
  /** how often mailboxes are re-read from the database and free leases taken (default 30 s) */
  refreshMs?: number;
  /** watch only these workspaces' mailboxes (default: every workspace's) */
  workspaceIds?: number[];
  logger?: Logger;
}

export interface RunningMailboxWatchers {
  /** mailbox ids this process watches */
  owned(): number[];
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMailboxWatchers(opts: MailboxWatchersOptions): Promise<RunningMailboxWatchers> {
  const running = new Map<number, { watcher: MailboxWatcher; lease: RedisLease; key: string }>();
  let stopped = false;
  const cache = new IntakeCache();

  const drop = async (id: number) => {
    const r = running.get(id);
    if (!r) return;
    running.delete(id);
    await r.watcher.stop();
    await r.lease.release();
  };

  const refresh = async () => {
    if (stopped) return;
    const boxes = await opts.db.mailbox.findMany({
      where: { active: true, ...(opts.workspaceIds ? { workspaceId: { in: opts.workspaceIds } } : {}) },
      select: { id: true, updatedAt: true, imapUrl: true, folder: true },
    });
    const wanted = new Map(boxes.map((b) => [b.id, `${b.imapUrl}|${b.folder}`]));
    for (const [id, r] of running) {
      // removed, deactivated, lease lost, or its settings changed: let go (and maybe start afresh)
      if (wanted.get(id) !== r.key || !r.lease.held) await drop(id);
    }
    for (const box of boxes) {
      if (running.has(box.id) || stopped) continue;
      const lease = new RedisLease(opts.redis, `${opts.prefix}:mailbox:${box.id}`, 30_000, () =>
        opts.logger?.warn({ mailboxId: box.id }, 'mailbox lease lost; another process watches it now'),
      );
      if (!(await lease.tryAcquire())) {
        await lease.release();
        continue;
      }
      const watcher = new MailboxWatcher({
        db: opts.db,
        mailboxId: box.id,
        pollIntervalMs: opts.pollIntervalMs,
        logger: opts.logger,
        // removed while watched: the watcher said so and stopped; free its lease now, not at the next refresh
        onRemoved: () => drop(box.id),
        handle: async (m) => {
          const r = await ingestRawEmail(
            { db: opts.db, limits: opts.limits, deliver: opts.deliver, cache, files: opts.files },
            { workspaceId: m.workspaceId, mailboxId: m.mailboxId, dedupeKey: dedupeKeyFor(m), receivedAt: m.internalDate ?? new Date() },
            m.source,
          );
          opts.logger?.info({ mailboxId: m.mailboxId, uid: m.uid, kind: r.email.kind, reason: r.email.reason }, 'email processed');
        },
      });
      running.set(box.id, { watcher, lease, key: wanted.get(box.id)! });
      await watcher.start();
    }
  };

  await refresh();
  const timer = setInterval(() => refresh().catch((e: Error) => opts.logger?.error({ err: e }, 'mailbox refresh failed')), opts.refreshMs ?? 30_000);
  timer.unref?.();

  return {
    owned: () => [...running.keys()],
    refresh,
    async stop() {
      stopped = true;
      clearInterval(timer);
      for (const id of [...running.keys()]) await drop(id);
    },
  };
}
