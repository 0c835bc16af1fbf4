// npm run bench:mailing — a mailing to a 2,000-contact segment across Telegram, Slack and email
// through the real path: core's confirmMailing -> the `mailings` job (audience claimed, recipients
// queued on the outbound bulk lane) -> outbound worker(s) in child processes (bench/mailing-worker.ts:
// ledger claims, the shared per-chat and per-bot clocks in Redis) -> TelegramSender, SlackSender,
// SmtpEmailSender -> fakes that enforce the limits strictly (test/support/limited-bot-api.ts:
// 429 over 30/s per bot or 1/s per chat; test/support/fake-slack.ts: 429 over 1/s per channel)
// and an SMTP sink. Some contacts opted out, some are marked as having blocked the bot, some
// block it during the mailing (403); a reminder falls due in the middle of it.
// Prints messages/s per channel beside the platform limit (the baseline: what the platform
// allows; goal >= 0.9 x for Telegram, the one with a per-bot limit), the reminder's lateness, and
// the correctness checks; exits 1 when one fails (a recipient lost or sent twice, any 429, a
// wrong skip, the reminder more than 2 s late). Last line:
//   mailing: <tg msg/s> msg/s Telegram (<x> x limit 30/s), <n> x 429, lost <l>, duplicates <d>
// Data lives in its own fresh database (BENCH_DATABASE, default leadline_bench_mailing).
// BENCH_TELEGRAM (1,600), BENCH_SLACK (200), BENCH_EMAIL (200), BENCH_WORKERS (1) tune it.
import 'dotenv/config';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../connectors/config.js';
import { createPrisma } from '../connectors/db/client.js';
import { checkPostgres, checkRedis } from '../connectors/services.js';
import { queueSettings } from '../connectors/queue/connection.js';
import { BullMQMailingJobs } from '../connectors/queue/mailing-queue.js';
import { createScheduler } from '../connectors/queue/workers.js';
import { dbContext } from '../connectors/db/stores/index.js';
import { ensureWorkspace } from '../core/workspaces/ensure-workspace.js';
import { chooseAudience, confirmMailing, createMailing } from '../core/mailings/mailings.js';
import type { Actor } from '../core/actor.js';
import { LimitedBotApi, TELEGRAM_STRICT_LIMITS } from '../test/support/limited-bot-api.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { startSmtpSink } from '../test/support/smtp-sink.js';
import { dropDatabase, recreateDatabase } from './support/bench-database.js';
import { startBenchWorker, stopBenchWorker } from './support/worker-process.js';

const TELEGRAM = Number(process.env.BENCH_TELEGRAM ?? 1600);
const SLACK = Number(process.env.BENCH_SLACK ?? 200);
const EMAIL = Number(process.env.BENCH_EMAIL ?? 200);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const OPTED_OUT = 20;
const MARKED_BLOCKED = 10;
const BLOCKING_NOW = 10;
const TEXT = 'Bench offer: 20% off this week.';
const TOKEN = `${100_000 + Math.floor(Math.random() * 899_999)}:BENCH${randomUUID().replace(/-/g, '')}`;

const rate = (times: number[]) => {
  if (times.length < 2) return 0;
  const sorted = [...times].sort((a, b) => a - b);
  return (sorted.length - 1) / ((sorted.at(-1)! - sorted[0]!) / 1000);
};

async function main() {
  const config = loadConfig();
  await checkPostgres(config.DATABASE_URL);
  await checkRedis(config.REDIS_URL);
  const dbName = process.env.BENCH_DATABASE ?? 'leadline_bench_mailing';
  const url = await recreateDatabase(config.DATABASE_URL, dbName);
  const db = createPrisma(url, 5);
  const ws = await ensureWorkspace(db, 'bench-mailing', { timezone: 'UTC', locale: 'en', name: 'Bench mailing' });
  const telegram = await new LimitedBotApi(TELEGRAM_STRICT_LIMITS).start();
  const slack = await new FakeSlack({ postMessagePerChannelMs: 1000 }).start();
  const smtp = await startSmtpSink();
  await db.mailbox.create({
    data: {
      workspaceId: ws.id,
      name: 'sales',
      folder: 'INBOX',
      imapUrl: 'imap://x@127.0.0.1:1',
      smtpUrl: `smtp://sales:pw@127.0.0.1:${smtp.port}`,
      fromAddress: 'Sales <sales@bench.test>',
    },
  });

  // the team: a head who mails, a manager with a reminder due in the middle of the mailing
  const base = 500_000_000 + Math.floor(Math.random() * 100_000_000);
  const head = await db.user.create({ data: { workspaceId: ws.id, name: 'Head', role: 'head', locale: 'en' } });
  const headIdentity = await db.identity.create({
    data: { workspaceId: ws.id, channel: 'telegram', externalId: String(base), chatId: String(base), userId: head.id },
  });
  const manager = await db.user.create({ data: { workspaceId: ws.id, name: 'Manager', role: 'manager', locale: 'en' } });
  await db.identity.create({ data: { workspaceId: ws.id, channel: 'telegram', externalId: String(base + 1), chatId: String(base + 1), userId: manager.id } });

  // 2,000 contacts tagged "news" (one statement per table), each with one identity
  type Kind = 'telegram' | 'slack' | 'email';
  const plan: Array<{ kind: Kind; chatId: string }> = [
    ...Array.from({ length: TELEGRAM }, (_, i) => ({ kind: 'telegram' as const, chatId: String(base + 10 + i) })),
    ...Array.from({ length: SLACK }, (_, i) => ({ kind: 'slack' as const, chatId: `DBENCH${base}${i}` })),
    ...Array.from({ length: EMAIL }, (_, i) => ({ kind: 'email' as const, chatId: `c${i}.${base}@bench.test` })),
  ];
  const contacts = await db.contact.createManyAndReturn({
    data: plan.map((p, i) => ({ workspaceId: ws.id, name: `Customer ${i}`, nameKey: `customer ${i}`, tags: ['news'] })),
    select: { id: true },
  });
  await db.identity.createMany({
    data: plan.map((p, i) => ({ workspaceId: ws.id, channel: p.kind, externalId: p.chatId, chatId: p.chatId, contactId: contacts[i]!.id })),
  });
  const tgChats = plan.filter((p) => p.kind === 'telegram').map((p) => p.chatId);
  const optedOut = tgChats.slice(0, OPTED_OUT);
  const markedBlocked = tgChats.slice(OPTED_OUT, OPTED_OUT + MARKED_BLOCKED);
  const blockingNow = tgChats.slice(OPTED_OUT + MARKED_BLOCKED, OPTED_OUT + MARKED_BLOCKED + BLOCKING_NOW);
  await db.contact.updateMany({ where: { id: { in: contacts.slice(0, OPTED_OUT).map((c) => c.id) } }, data: { mailingOptOutAt: new Date() } });
  await db.identity.updateMany({ where: { workspaceId: ws.id, chatId: { in: markedBlocked } }, data: { unreachable: true, unreachableReason: 'blocked' } });
  for (const c of blockingNow) telegram.block(c);
  const expectedTg = new Set(tgChats.filter((c) => !optedOut.includes(c) && !markedBlocked.includes(c) && !blockingNow.includes(c)));
  const expectedSlack = new Set(plan.filter((p) => p.kind === 'slack').map((p) => p.chatId));
  const expectedEmail = new Set(plan.filter((p) => p.kind === 'email').map((p) => p.chatId));

  const prefix = `bench-mail-${randomUUID().slice(0, 8)}`;
  const children = await Promise.all(
    Array.from({ length: WORKERS }, () =>
      startBenchWorker('mailing-worker.ts', {
        BENCH_DB_URL: url,
        BENCH_REDIS_URL: config.REDIS_URL,
        BENCH_PREFIX: prefix,
        BENCH_TG_TOKEN: TOKEN,
        BENCH_TG_ROOT: telegram.apiRoot,
        BENCH_SLACK_TOKEN: slack.token,
        BENCH_SLACK_URL: slack.apiUrl,
      }),
    ),
  );
  const settings = queueSettings(config.REDIS_URL, prefix);
  const jobs = new BullMQMailingJobs(settings);
  const scheduler = createScheduler(settings);
  console.log(
    `bench:mailing — ${plan.length} contacts (Telegram ${TELEGRAM}, Slack ${SLACK}, email ${EMAIL}; ${OPTED_OUT} opted out, ` +
      `${MARKED_BLOCKED} marked blocked, ${BLOCKING_NOW} blocking the bot now), ${WORKERS} worker process(es)`,
  );

  // the head's mailing, as /mailing and its buttons run it
  const ctx = dbContext(db);
  const actor: Actor = { userId: head.id, workspaceId: ws.id, role: 'head', locale: 'en', timezone: 'UTC' };
  const mailing = await createMailing(ctx, actor, { text: TEXT });
  const { counts } = await chooseAudience(ctx, actor, mailing.id, { filter: { tags: ['news'] } });
  const dueAt = new Date(Date.now() + 15_000);
  const task = await db.task.create({ data: { workspaceId: ws.id, title: 'Bench reminder', dueAt, assigneeId: manager.id, creatorId: manager.id } });
  await scheduler.scheduleReminder(task.id, dueAt);
  const started = Date.now();
  await confirmMailing(ctx, actor, mailing.id, { reportIdentityId: headIdentity.id, jobs });

  const deadline = Date.now() + Math.max(300_000, (TELEGRAM / 20) * 1000 * 3);
  let status = 'sending';
  while (Date.now() < deadline) {
    status = (await db.mailing.findUniqueOrThrow({ where: { id: mailing.id } })).status;
    if (status === 'done') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  // the report reaches the head after the mailing is done
  const reportDeadline = Date.now() + 15_000;
  while (!telegram.to(base).some((m) => m.text.startsWith('✅')) && Date.now() < reportDeadline) await new Promise((r) => setTimeout(r, 100));
  const elapsed = (Date.now() - started) / 1000;

  const tg = telegram.accepted.filter((m) => m.text.startsWith(TEXT));
  const sl = slack.callsTo('chat.postMessage').filter((c) => String(c.params.text ?? '').startsWith(TEXT) && c.ts);
  const em = smtp.sent.filter((m) => m.subject === TEXT);
  const emailTo = (m: (typeof em)[number]) => (m.to as { value: Array<{ address: string }> }).value[0]!.address;
  const check = (name: string, got: string[], expected: Set<string>) => {
    const unique = new Set(got);
    const lost = [...expected].filter((c) => !unique.has(c)).length;
    const extra = [...unique].filter((c) => !expected.has(c)).length;
    return { name, lost, duplicates: got.length - unique.size, extra };
  };
  const checks = [
    check(
      'Telegram',
      tg.map((m) => m.chatId),
      expectedTg,
    ),
    check(
      'Slack',
      sl.map((c) => String(c.params.channel)),
      expectedSlack,
    ),
    check('email', em.map(emailTo), expectedEmail),
  ];
  const reminder = telegram.to(base + 1).find((m) => m.text.includes('Bench reminder'));
  const reminderLate = reminder ? reminder.at - dueAt.getTime() : Number.POSITIVE_INFINITY;
  const report = telegram.to(base).find((m) => m.text.startsWith('✅'))?.text ?? '(no report)';

  const tgRate = rate(tg.map((m) => m.at));
  const tgLimit = TELEGRAM_STRICT_LIMITS.perBotPerSecond;
  console.log(
    `  audience: ${counts.total} to send (Telegram ${counts.byChannel.telegram}, Slack ${counts.byChannel.slack}, email ${counts.byChannel.email}); ${JSON.stringify(counts.skipped)}`,
  );
  console.log(`  done in ${elapsed.toFixed(1)} s (status ${status})`);
  console.log(
    `  Telegram: ${tg.length} sent, ${tgRate.toFixed(1)} msg/s beside the limit ${tgLimit}/s per bot (${(tgRate / tgLimit).toFixed(2)} x; goal >= 0.9 x), ${telegram.rejected} x 429, ${telegram.forbidden} x 403 (blocked)`,
  );
  console.log(
    `  Slack: ${sl.length} sent, ${rate(sl.map((c) => c.at)).toFixed(1)} msg/s beside the limit 1/s per channel (${SLACK} channels, one message each), ${slack.rateLimited} x 429`,
  );
  console.log(`  email: ${em.length} sent, ${rate(em.map((m) => m.date?.getTime() ?? 0)).toFixed(1)} msg/s (SMTP sink: no platform limit)`);
  console.log(`  reminder due during the mailing: delivered ${(reminderLate / 1000).toFixed(2)} s after its time (must be < 2 s)`);
  console.log(`  report: ${report.replace(/\n/g, ' | ')}`);

  const failures: string[] = [];
  for (const c of checks) {
    if (c.lost) failures.push(`${c.name}: ${c.lost} lost`);
    if (c.duplicates) failures.push(`${c.name}: ${c.duplicates} duplicates`);
    if (c.extra) failures.push(`${c.name}: ${c.extra} sent to contacts that should have been skipped`);
  }
  if (telegram.rejected || slack.rateLimited) failures.push(`${telegram.rejected + slack.rateLimited} x 429`);
  if (status !== 'done') failures.push(`mailing ${status}, not done`);
  if (!(reminderLate < 2000)) failures.push(`reminder ${reminderLate} ms late`);
  if (!report.includes(`Sent: ${expectedTg.size + expectedSlack.size + expectedEmail.size} `)) failures.push('the report does not count every sent message');
  if (tgRate < 0.9 * tgLimit) console.log(`  note: Telegram below the goal of 0.9 x the limit`);

  await jobs.close();
  await scheduler.close();
  await Promise.all(children.map((c) => stopBenchWorker(c)));
  await telegram.close();
  await slack.close();
  await smtp.close();
  await db.$disconnect();
  if (!process.env.BENCH_KEEP_DATABASE) await dropDatabase(config.DATABASE_URL, dbName);
  const lost = checks.reduce((a, c) => a + c.lost, 0);
  const dups = checks.reduce((a, c) => a + c.duplicates, 0);
  console.log(
    `mailing: ${tgRate.toFixed(1)} msg/s Telegram (${(tgRate / tgLimit).toFixed(2)} x limit ${tgLimit}/s), ${telegram.rejected + slack.rateLimited} x 429, lost ${lost}, duplicates ${dups}`,
  );
  if (failures.length) {
    console.error(`bench:mailing FAILED: ${failures.join('; ')}`);
    process.exit(1);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
