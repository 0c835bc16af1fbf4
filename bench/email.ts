// npm run bench:email — BENCH_EMAILS (2,000) varied messages (every class of
// test/fixtures/email, each with its own Message-ID and sender) appended over IMAP to a local
// Dovecot; then the mailbox watcher starts (a backfill mailbox) and the time until all are
// processed is measured: FETCH in batches, the intake (parse, thread lookup, classify, leads/replies onto the BullMQ inbound queue,
// bounces and other mail recorded) as messages/s, beside the baseline measured in the same
// run: parse-only messages/s over the same raw messages (mailparser, no I/O).
// Then end to end through a real `leadline start` process (roles watcher and worker, the
// product's settings): BENCH_E2E_EMAILS (500) more messages appended while it runs, timed
// from the first APPEND until every message is handled (the mailbox's last UID reached and
// every queued inbound event processed: contacts, leads and messages in Postgres), as
// messages/s; and BENCH_IDLE_EMAILS (20) single mails from new customers appended one at a
// time, each timed from its APPEND to its lead row (IMAP IDLE; the test Dovecot checks its
// maildir every second, mailbox_idle_check_interval).
// Needs Postgres, Redis and Dovecot (apt-get install -y dovecot-imapd). Data goes to the
// databases leadline_bench (created and migrated here) and leadline_bench_email (recreated and
// dropped) and unique queue prefixes.
import 'dotenv/config';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { loadConfig } from '../connectors/config.js';
import { createPrisma } from '../connectors/db/client.js';
import { migrate } from '../connectors/db/migrate.js';
import { withDatabase } from '../connectors/db/database-url.js';
import { checkPostgres, checkRedis } from '../connectors/services.js';
import { queueSettings } from '../connectors/queue/connection.js';
import { InboundQueue } from '../connectors/queue/inbound-queue.js';
import { parseEmail } from '../connectors/email/parse-email.js';
import { IntakeCache, ingestRawEmail } from '../connectors/email/email-intake.js';
import { dedupeKeyFor, MailboxWatcher } from '../connectors/email/mailbox-watcher.js';
import { ensureWorkspace } from '../core/workspaces/ensure-workspace.js';
import { startDovecot } from '../test/support/dovecot.js';
import { startSmtpSink } from '../test/support/smtp-sink.js';
import { freePort } from '../test/support/wait.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { dropDatabase, recreateDatabase } from './support/bench-database.js';
import { unlinkPrefix } from './support/redis-prefix.js';

const COUNT = Number(process.env.BENCH_EMAILS ?? 2000);
const E2E_COUNT = Number(process.env.BENCH_E2E_EMAILS ?? 500);
const IDLE_COUNT = Number(process.env.BENCH_IDLE_EMAILS ?? 20);
const ROOT = path.resolve(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const limits = { maxBodyChars: 100_000, maxAttachmentBytes: 1024 * 1024 };

function corpus(count: number, run: string): Buffer[] {
  const dir = path.resolve(import.meta.dirname, '..', 'test', 'fixtures', 'email');
  const fixtures = readdirSync(dir)
    .filter((f) => f.endsWith('.eml') && f !== 'own-copy.eml')
    .map((f) => readFileSync(path.join(dir, f), 'latin1'));
  return Array.from({ length: count }, (_, i) => {
    const raw = fixtures[i % fixtures.length]!;
    // a distinct message from a distinct customer each time
    const text = raw.replace(/^Message-ID: <[^>]*>/im, `Message-ID: <bench-${run}-${i}@bench.example>`).replace(/^(From:.*<)([^@>]+)@/im, `$1$2+${run}${i}@`);
    return Buffer.from(text, 'latin1');
  });
}

async function main() {
  const config = loadConfig();
  await checkPostgres(config.DATABASE_URL);
  await checkRedis(config.REDIS_URL);
  const url = withDatabase(config.DATABASE_URL, 'leadline_bench');
  await migrate(url);
  const db = createPrisma(url, 8);
  const run = randomUUID().slice(0, 8);
  const messages = corpus(COUNT, run);

  // baseline: parse only, same messages, same process
  const p0 = performance.now();
  for (const m of messages) await parseEmail(m, limits);
  const parseSeconds = (performance.now() - p0) / 1000;

  const dovecot = await startDovecot();
  const settings = queueSettings(config.REDIS_URL, `bench-email-${run}`);
  const inbound = new InboundQueue(settings);
  const ws = await ensureWorkspace(db, `bench-email-${run}`, { timezone: 'UTC', locale: 'en' });
  const mailbox = await db.mailbox.create({
    // uidValidity 0: read what is already in the folder
    data: {
      workspaceId: ws.id,
      name: 'bench',
      uidValidity: 0n,
      imapUrl: dovecot.imapUrl,
      smtpUrl: 'smtp://x:y@127.0.0.1:9',
      fromAddress: 'Sales <sales@leadline.test>',
    },
  });
  const cache = new IntakeCache();
  const kinds: Record<string, number> = {};
  let processed = 0;
  let done: () => void = () => undefined;
  const allDone = new Promise<void>((r) => (done = r));
  const watcher = new MailboxWatcher({
    db,
    mailboxId: mailbox.id,
    pollIntervalMs: 5_000,
    batchSize: 200,
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 4),
    handle: async (m) => {
      const r = await ingestRawEmail(
        { db, limits, deliver: (msg) => inbound.enqueue(msg), cache },
        { workspaceId: ws.id, mailboxId: mailbox.id, dedupeKey: dedupeKeyFor(m) },
        m.source,
      );
      kinds[r.email.kind] = (kinds[r.email.kind] ?? 0) + 1;
      if (++processed === COUNT) done();
    },
  });
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
  await client.connect();
  const a0 = performance.now();
  for (const m of messages) await client.append('INBOX', m);
  const appendSeconds = (performance.now() - a0) / 1000;

  const t0 = performance.now();
  await watcher.start();
  await allDone;
  const totalSeconds = (performance.now() - t0) / 1000;
  await client.logout();
  await watcher.stop();

  const rate = (n: number, s: number) => `${(n / s).toFixed(0)} messages/s`;
  console.log(
    `bench:email — ${COUNT} messages (${Object.entries(kinds)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')})`,
  );
  console.log(`  baseline, parse only (mailparser, in process):      ${rate(COUNT, parseSeconds)} (${parseSeconds.toFixed(2)} s)`);
  console.log(`  appended over IMAP first (not counted):              ${appendSeconds.toFixed(2)} s`);
  console.log(
    `  Dovecot -> watcher -> intake -> queue/records:       ${rate(COUNT, totalSeconds)} (${totalSeconds.toFixed(2)} s from watcher start to the last message processed; goal >= 200/s)`,
  );

  await inbound.queue.obliterate({ force: true });
  await inbound.close();
  await db.workspace.delete({ where: { id: ws.id } });
  await db.$disconnect();
  await dovecot.stop();

  await endToEnd(config, run);
}

/** A `leadline start` process; resolves once it says it is running. */
function startLeadline(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/leadline.js'), 'start'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('Leadline is running')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`leadline start exited with ${code}: ${text.slice(-500)}`)));
  });
}

function plainMail(run: string, i: number): Buffer {
  return Buffer.from(
    [
      `From: Idle Customer ${i} <idle-${run}-${i}@bench-customers.test>`,
      'To: Sales <sales@leadline.test>',
      `Subject: Quote request ${i}`,
      `Message-ID: <bench-idle-${run}-${i}@bench.example>`,
      `Date: ${new Date().toUTCString()}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Hello, please send a quote for ${i + 2} licences. Thanks.`,
      '',
    ].join('\r\n'),
  );
}

async function endToEnd(config: ReturnType<typeof loadConfig>, run: string) {
  const dbName = 'leadline_bench_email';
  const url = await recreateDatabase(config.DATABASE_URL, dbName);
  const db = createPrisma(url, 4);
  const prefix = `bench-email-e2e-${run}`;
  const dovecot = await startDovecot();
  const smtp = await startSmtpSink();
  let proc: ChildProcess | undefined;
  try {
    const ws = await ensureWorkspace(db, 'bench', { timezone: 'UTC', locale: 'en' });
    await db.user.createMany({ data: [1, 2, 3].map((n) => ({ workspaceId: ws.id, name: `Manager ${n}`, role: 'manager' as const, onDuty: true })) });
    const mailbox = await db.mailbox.create({
      data: {
        workspaceId: ws.id,
        name: 'bench',
        uidValidity: 0n,
        imapUrl: dovecot.imapUrl,
        smtpUrl: `smtp://sales:pw@127.0.0.1:${smtp.port}`,
        fromAddress: 'Sales <sales@leadline.test>',
      },
    });
    proc = await startLeadline({
      DATABASE_URL: url,
      REDIS_URL: config.REDIS_URL,
      QUEUE_PREFIX: prefix,
      DEFAULT_WORKSPACE: 'bench',
      LEADLINE_ROLES: 'watcher,worker',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(await freePort()),
      // the bench's managers have no chat identity: their "no reachable channel" warnings are expected
      LOG_LEVEL: 'error',
    });
    const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await client.connect();

    // backlog: many at once
    const messages = corpus(E2E_COUNT, `${run}e2e`);
    const t0 = performance.now();
    for (const m of messages) await client.append('INBOX', m);
    const handled = async () => {
      const box = await db.mailbox.findUniqueOrThrow({ where: { id: mailbox.id }, select: { lastUid: true } });
      const open = await db.inboundEvent.count({ where: { processedAt: null } });
      return box.lastUid >= E2E_COUNT && open === 0;
    };
    const deadline = Date.now() + 600_000;
    while (!(await handled())) {
      if (Date.now() > deadline) throw new Error('the backlog was not handled within 10 minutes');
      await sleep(100);
    }
    const backlogSeconds = (performance.now() - t0) / 1000;
    const leads = await db.lead.count({ where: { workspaceId: ws.id } });
    const stored = await db.message.count({ where: { workspaceId: ws.id, direction: 'inbound' } });

    // IDLE: one at a time, APPEND to lead row
    const delays: number[] = [];
    for (let i = 0; i < IDLE_COUNT; i++) {
      await client.append('INBOX', plainMail(run, i));
      const appendedAt = Date.now();
      const email = `idle-${run}-${i}@bench-customers.test`;
      const waitUntil = Date.now() + 60_000;
      let lead: { createdAt: Date } | null = null;
      while (!lead && Date.now() < waitUntil) {
        lead = await db.lead.findFirst({ where: { workspaceId: ws.id, contact: { emails: { some: { email } } } }, select: { createdAt: true } });
        if (!lead) await sleep(20);
      }
      if (!lead) throw new Error(`no lead for ${email} within 60 s`);
      delays.push(lead.createdAt.getTime() - appendedAt);
      await sleep(500);
    }
    await client.logout();
    const sorted = [...delays].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
    console.log(`  end to end (leadline start, roles watcher + worker; ${E2E_COUNT} more messages appended while it runs):`);
    console.log(
      `    APPEND -> watcher -> intake -> inbound queue -> chat engine -> Postgres: ${(E2E_COUNT / backlogSeconds).toFixed(0)} messages/s ` +
        `(${backlogSeconds.toFixed(1)} s from the first APPEND until all were handled; ${leads} leads, ${stored} inbound messages stored)`,
    );
    console.log(
      `    one new mail at a time (IDLE), APPEND -> lead row: p50 ${q(0.5)} ms, max ${sorted.at(-1)} ms over ${IDLE_COUNT} mails ` +
        `(Dovecot here checks its maildir every 1 s: mailbox_idle_check_interval)`,
    );
  } finally {
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc!.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
    await db.$disconnect();
    await dovecot.stop();
    await smtp.close();
    await unlinkPrefix(config.REDIS_URL, prefix);
    await dropDatabase(config.DATABASE_URL, dbName);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
