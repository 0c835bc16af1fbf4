// One watcher per mailbox (imapflow): IDLE when the server has it, polling otherwise, and
// reconnects with exponential backoff. State lives in the Mailbox row (uidvalidity, last uid),
// so a restart continues where it stopped. New UIDs are listed with one FETCH, their sources
// taken with one FETCH per batch, and processed only after each FETCH has finished: no IMAP
// command is ever issued inside a fetch loop.
//
// First start: only mail arriving from now on is read (a years-old inbox is not a pile of
// leads), unless the row's uidValidity is 0 ("backfill": `mailbox add --backfill`).
// UIDVALIDITY change: the folder is read again from the start, limited to mail received since
// the mailbox was added; the Message-ID dedupe keeps that from repeating anything.
// Mailbox removed while watched (`leadline mailbox remove`): the next read or write of its row
// finds nothing; the watcher logs that once, stops, and tells its owner (onRemoved).
import { ImapFlow, type FetchMessageObject } from 'imapflow';
import type { Db } from '../../core/db.js';
import type { Prisma } from '../../prisma/generated/client.js';
import { parseImapUrl } from './mailbox-url.js';
import type { Logger } from '../logger.js';

export interface FetchedMessage {
  mailboxId: number;
  workspaceId: number;
  uidValidity: bigint;
  uid: number;
  source: Buffer;
  internalDate: Date | null;
  /** the source was cut at maxMessageBytes */
  truncated: boolean;
}

export interface WatcherOptions {
  db: Db;
  mailboxId: number;
  /** processes one message; throwing stops this sync (the uid is retried on the next one) */
  handle: (message: FetchedMessage) => Promise<void>;
  /** polling interval without IDLE, and the safety net with it */
  pollIntervalMs?: number;
  /** messages whose sources are taken with one FETCH */
  batchSize?: number;
  /** messages of a batch processed at the same time (the uid advances once the whole batch is done) */
  concurrency?: number;
  /** larger messages are fetched only up to this many bytes */
  maxMessageBytes?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** how long the connection stays quiet before IDLE starts */
  idleDelayMs?: number;
  logger?: Logger;
  /** after every sync (tests, benchmarks) */
  onSynced?: (info: { processed: number; lastUid: number }) => void;
  /** the mailbox's row is gone: the watcher has stopped itself (called once, not awaited) */
  onRemoved?: () => void | Promise<void>;
}

/** The watched mailbox's row no longer exists. */
export class MailboxRemovedError extends Error {
  constructor(readonly mailboxId: number) {
    super(`mailbox #${mailboxId} no longer exists`);
    this.name = 'MailboxRemovedError';
  }
}

export function dedupeKeyFor(m: Pick<FetchedMessage, 'mailboxId' | 'uidValidity' | 'uid'>): string {
  return `email:${m.mailboxId}:${m.uidValidity}:${m.uid}`;
}

export class MailboxWatcher {
  private client: ImapFlow | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private resync: { since: Date | null } | null = null;
  connected = false;
  /** the server supports IDLE (otherwise the watcher polls) */
  idle = false;

  /** an IDLE command is running right now */
  get idling(): boolean {
    return Boolean(this.client?.idling);
  }

  constructor(private readonly opts: WatcherOptions) {}

  /** Starts the connect/watch loop in the background; resolves once the first session synced or failed. */
  async start(): Promise<void> {
    if (this.loop) return;
    let first: () => void = () => undefined;
    const firstDone = new Promise<void>((r) => (first = r));
    this.loop = this.run(() => first());
    await firstDone;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    if (this.pollTimer) clearInterval(this.pollTimer);
    const client = this.client;
    if (client) await client.logout().catch(() => client.close());
    await this.loop?.catch(() => undefined);
    this.loop = null;
  }

  /** Fetches whatever is new now (also used by the poll timer and the IDLE "exists" event). */
  requestSync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        do {
          this.syncAgain = false;
          await this.sync();
        } while (this.syncAgain && !this.stopped);
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  private log() {
    return this.opts.logger;
  }

  /** The mailbox's row, or MailboxRemovedError. */
  private async row<S extends Prisma.MailboxSelect>(select: S): Promise<Prisma.MailboxGetPayload<{ select: S }>> {
    const row = await this.opts.db.mailbox.findUnique({ where: { id: this.opts.mailboxId }, select });
    if (!row) throw new MailboxRemovedError(this.opts.mailboxId);
    return row as Prisma.MailboxGetPayload<{ select: S }>;
  }

  /** Writes the mailbox's row, or MailboxRemovedError. */
  private async update(data: Prisma.MailboxUpdateManyMutationInput): Promise<void> {
    const { count } = await this.opts.db.mailbox.updateMany({ where: { id: this.opts.mailboxId }, data });
    if (count === 0) throw new MailboxRemovedError(this.opts.mailboxId);
  }

  /** A sync's failure: a removed mailbox stops the watcher, anything else is logged. */
  private syncFailed(e: unknown) {
    if (e instanceof MailboxRemovedError) this.removed();
    else this.log()?.error({ mailboxId: this.opts.mailboxId, err: e }, 'mailbox sync failed');
  }

  /** The row is gone: stop (without waiting for the loop, which may be the caller), say so once, tell the owner. */
  private removed() {
    if (this.stopped) return;
    this.stopped = true;
    this.log()?.info({ mailboxId: this.opts.mailboxId }, 'mailbox removed: stopped watching it');
    this.wake?.();
    if (this.pollTimer) clearInterval(this.pollTimer);
    const client = this.client;
    if (client) void client.logout().catch(() => client.close());
    void Promise.resolve(this.opts.onRemoved?.()).catch((err: unknown) => this.log()?.warn({ mailboxId: this.opts.mailboxId, err }, 'onRemoved failed'));
  }

  private async run(firstDone: () => void): Promise<void> {
    const backoff = this.opts.backoff ?? { initialMs: 1000, maxMs: 60_000 };
    let attempt = 0;
    while (!this.stopped) {
      try {
        await this.session(() => {
          attempt = 0;
          firstDone();
        });
      } catch (e) {
        if (e instanceof MailboxRemovedError) {
          this.removed();
          break;
        }
        const message = (e as Error).message || String(e);
        this.log()?.warn({ mailboxId: this.opts.mailboxId, err: e }, 'mailbox connection failed');
        await this.update({ lastError: message.slice(0, 500) }).catch((err: unknown) => {
          if (err instanceof MailboxRemovedError) this.removed();
          else this.log()?.warn({ mailboxId: this.opts.mailboxId, err }, 'could not record the mailbox error');
        });
      }
      firstDone();
      if (this.stopped) break;
      const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt) * (0.8 + Math.random() * 0.4);
      attempt++;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wake = () => (clearTimeout(t), resolve());
      });
      this.wake = null;
    }
  }

  private async session(onReady: () => void): Promise<void> {
    const row = await this.row({ id: true, imapUrl: true, imapTls: true, folder: true, createdAt: true });
    const server = parseImapUrl(row.imapUrl, row.imapTls);
    const client = new ImapFlow({
      host: server.host,
      port: server.port,
      secure: server.secure,
      auth: { user: server.user, pass: server.pass },
      logger: false,
      autoIdleDelay: this.opts.idleDelayMs ?? 300,
    });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.on('error', (err: Error) => this.log()?.warn({ mailboxId: row.id, err }, 'imap error'));
    await client.connect();
    this.client = client;
    try {
      const box = await client.mailboxOpen(row.folder || server.folder);
      await this.reconcileUidValidity(box.uidValidity, box.uidNext, row.createdAt);
      const hasIdle = client.capabilities.has('IDLE');
      client.on('exists', () => {
        this.requestSync().catch((e: unknown) => this.syncFailed(e));
      });
      this.pollTimer = setInterval(() => this.requestSync().catch((e: unknown) => this.syncFailed(e)), this.opts.pollIntervalMs ?? 30_000);
      this.connected = true;
      this.idle = hasIdle;
      await this.requestSync();
      await this.update({ lastError: null });
      this.log()?.info({ mailboxId: row.id, idle: hasIdle }, hasIdle ? 'watching mailbox with IDLE' : 'watching mailbox by polling');
      onReady();
      await closed;
    } finally {
      this.connected = false;
      if (this.pollTimer) clearInterval(this.pollTimer);
      this.pollTimer = null;
      this.client = null;
      if (client.usable) await client.logout().catch(() => undefined);
    }
    if (!this.stopped) throw new Error('IMAP connection closed');
  }

  private async reconcileUidValidity(uidValidity: bigint, uidNext: number, createdAt: Date): Promise<void> {
    const row = await this.row({ uidValidity: true, lastUid: true });
    if (row.uidValidity === uidValidity) return;
    if (row.uidValidity === null) {
      // first start: from now on
      await this.update({ uidValidity, lastUid: Math.max(0, uidNext - 1) });
      return;
    }
    const backfill = row.uidValidity === 0n;
    if (!backfill)
      this.log()?.warn(
        { mailboxId: this.opts.mailboxId, was: String(row.uidValidity), now: String(uidValidity) },
        'UIDVALIDITY changed: reading the folder again',
      );
    // INTERNALDATE has whole seconds and server clocks drift: a minute of slack
    this.resync = { since: backfill ? null : new Date(createdAt.getTime() - 60_000) };
    await this.update({ uidValidity, lastUid: 0 });
  }

  private async sync(): Promise<void> {
    const client = this.client;
    if (!client || this.stopped) return;
    const row = await this.row({ id: true, workspaceId: true, uidValidity: true, lastUid: true });
    const uidValidity = row.uidValidity ?? 0n;
    // (UIDNEXT from SELECT is not updated by EXISTS, so it can not say whether there is news)
    if (client.mailbox && client.mailbox.exists === 0) return;

    // 1. one FETCH lists the new uids (with sizes and arrival dates)
    const listed = await client.fetchAll(`${row.lastUid + 1}:*`, { uid: true, size: true, internalDate: true }, { uid: true });
    const since = this.resync?.since ?? null;
    let pending = listed.filter((m) => m.uid > row.lastUid).sort((a, b) => a.uid - b.uid);
    if (since) pending = pending.filter((m) => !m.internalDate || new Date(m.internalDate) >= since);
    const highest = listed.reduce((max, m) => Math.max(max, m.uid), row.lastUid);
    const batchSize = this.opts.batchSize ?? 100;
    const maxBytes = this.opts.maxMessageBytes ?? 25 * 1024 * 1024;
    let lastUid = row.lastUid;
    let processed = 0;

    for (let i = 0; i < pending.length && !this.stopped; i += batchSize) {
      const batch = pending.slice(i, i + batchSize);
      const small = batch.filter((m) => (m.size ?? 0) <= maxBytes).map((m) => m.uid);
      const large = batch.filter((m) => (m.size ?? 0) > maxBytes).map((m) => m.uid);
      // 2. one FETCH per batch takes the sources; processing starts once it has completed
      const fetched: FetchMessageObject[] = [];
      if (small.length) fetched.push(...(await client.fetchAll(small.join(','), { uid: true, source: true, internalDate: true }, { uid: true })));
      if (large.length)
        fetched.push(...(await client.fetchAll(large.join(','), { uid: true, source: { maxLength: maxBytes }, internalDate: true }, { uid: true })));
      fetched.sort((a, b) => a.uid - b.uid);
      // a small pool; any failure leaves lastUid where it was, so the batch is retried (dedupe makes that safe)
      let next = 0;
      const worker = async () => {
        while (next < fetched.length && !this.stopped) {
          const m = fetched[next++]!;
          if (!m.source) continue;
          await this.opts.handle({
            mailboxId: row.id,
            workspaceId: row.workspaceId,
            uidValidity,
            uid: m.uid,
            source: m.source,
            internalDate: m.internalDate ? new Date(m.internalDate) : null,
            truncated: large.includes(m.uid),
          });
          processed++;
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, this.opts.concurrency ?? 4) }, worker));
      if (this.stopped) break;
      lastUid = Math.max(lastUid, ...batch.map((m) => m.uid));
      await this.update({ lastUid, lastSyncedAt: new Date() });
    }
    // uids skipped by the date filter of a re-sync still count as read
    if (!this.stopped && highest > lastUid && processed === pending.length) {
      lastUid = highest;
      await this.update({ lastUid, lastSyncedAt: new Date() });
    }
    if (this.resync && processed === pending.length) this.resync = null;
    this.opts.onSynced?.({ processed, lastUid });
  }
}
