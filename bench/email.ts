// npm run bench:email — BENCH_EMAILS (2,000) varied messages (every class of
// test/fixtures/email, each with its own Message-ID and sender) appended over IMAP to a local
// Dovecot; then the mailbox watcher starts (a backfill mailbox) and the time until all are
// processed is measured: FETCH in batches, the intake (parse, thread lookup, classify, leads/replies onto the BullMQ inbound queue,
// bounces and other mail recorded) as messages/s, beside the baseline measured in the same
// run: parse-only messages/s over the same raw messages (mailparser, no I/O).
// Needs Postgres, Redis and Dovecot (apt-get install -y dovecot-imapd). Data goes to the
// database leadline_bench (created and migrated here) and a unique queue prefix.
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

const COUNT = Number(process.env.BENCH_EMAILS ?? 2000);
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
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
