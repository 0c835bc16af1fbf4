// npm run soak [-- --minutes N] — Leadline as it runs at scale, on one machine, for a set
// time: 2 web + 3 worker + 1 watcher processes, each the real `leadline start` with its
// LEADLINE_ROLES, against a Postgres database of their own (dropped at the end unless --keep),
// a queue prefix of their own in Redis, the Bot API fake that enforces Telegram's limits
// (test/support/limited-bot-api.ts: 30/s per bot, 1/s per chat), the Slack Web API fake with
// its 1/s per channel limit (test/support/fake-slack.ts), a private Dovecot (IMAP, the watched
// mailbox) and an SMTP sink. Mixed traffic at fixed rates (bench/soak/traffic.ts): customers on
// Telegram (webhook, secret checked), in Slack shared channels (signed events) and by e-mail
// (APPEND), leads from another system through the REST API (an Idempotency-Key each), managers setting reminders due within the run and answering lead notifications,
// and digests scheduled within the run. On a schedule a worker and a web process are killed
// with SIGKILL and restarted (the watcher once). Then it waits for the system to drain
// (bounded) and checks (bench/soak/checks.ts): every accepted message stored once, every due
// reminder delivered once, every notification accounted for, 0 × 429. It prints progress
// while it runs and a summary at the end, and exits 1 on any failure.
// Options: --minutes (2), --kill-every SECONDS (a quarter of the run, 5-60), --drain-seconds
// (240), --telegram-rate (3/s), --slack-rate (0.5/s), --email-rate (0.5/s), --api-rate (0.5/s), --reminder-rate
// (0.15/s), --answer-rate (0.3/s), --keep (keep the database, Redis keys and logs).
// DATABASE_URL (any database on the server; the soak makes its own) and REDIS_URL as usual.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ImapFlow } from 'imapflow';
import { createPrisma } from '../connectors/db/client.js';
import { migrate } from '../connectors/db/migrate.js';
import { quoteIdent, withDatabase } from '../connectors/db/database-url.js';
import { checkPostgres, checkRedis } from '../connectors/services.js';
import { queueSettings } from '../connectors/queue/connection.js';
import { openQueue } from '../connectors/queue/job-definition.js';
import { INBOUND_QUEUE } from '../connectors/queue/inbound-queue.js';
import { OUTBOUND_QUEUE } from '../connectors/queue/outbound-queue.js';
import { createDigestQueue, syncDigestSchedulers } from '../connectors/queue/digest-scheduler.js';
import { ensureWorkspace } from '../core/workspaces/ensure-workspace.js';
import { createApiKey } from '../core/api/api-keys.js';
import { systemActor } from '../core/actor.js';
import { dbContext } from '../connectors/db/stores/index.js';
import { LimitedBotApi } from '../test/support/limited-bot-api.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { startSmtpSink } from '../test/support/smtp-sink.js';
import { startDovecot, dovecotAvailable, dovecotMissing } from '../test/support/dovecot.js';
import { freePort } from '../test/support/wait.js';
import { Fleet, type Slot, type SlotSpec } from './soak/fleet.js';
import { Traffic, type Manager, type SoakIds } from './soak/traffic.js';
import { failuresOf, runChecks, type DigestExpectation, type KillEvent, type Report } from './soak/checks.js';
import { unlinkPrefix } from './support/redis-prefix.js';

const { values: opt } = parseArgs({
  options: {
    minutes: { type: 'string', default: '2' },
    'kill-every': { type: 'string' },
    'drain-seconds': { type: 'string', default: '240' },
    'telegram-rate': { type: 'string', default: '3' },
    'slack-rate': { type: 'string', default: '0.5' },
    'email-rate': { type: 'string', default: '0.5' },
    'api-rate': { type: 'string', default: '0.5' },
    'reminder-rate': { type: 'string', default: '0.15' },
    'answer-rate': { type: 'string', default: '0.3' },
    keep: { type: 'boolean', default: false },
  },
});
const num = (name: keyof typeof opt): number => {
  const v = Number(opt[name]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number >= 0 (got ${String(opt[name])})`);
  return v;
};
const RUN_MS = num('minutes') * 60_000;
const KILL_EVERY_MS = opt['kill-every'] !== undefined ? num('kill-every') * 1000 : Math.min(60_000, Math.max(5_000, RUN_MS / 4));
const DRAIN_MS = num('drain-seconds') * 1000;
const rates = {
  telegram: num('telegram-rate'),
  slack: num('slack-rate'),
  email: num('email-rate'),
  api: num('api-rate'),
  reminders: num('reminder-rate'),
  answers: num('answer-rate'),
};
const RESTART_AFTER_MS = 2000;
const START_TIMEOUT_MS = 180_000;
const RETRY_WINDOW_MS = 60_000;
const TELEGRAM_MANAGERS = 8;
const SLACK_MANAGERS = 2;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const t0 = Date.now();
const clock = () => {
  const s = Math.floor((Date.now() - t0) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};
const say = (line: string) => console.log(`[${clock()}] ${line}`);

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

function quantile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

async function main(): Promise<number> {
  if (!dovecotAvailable) throw new Error(dovecotMissing);
  await checkPostgres(serverUrl);
  await checkRedis(redisUrl);
  // the processes run the build in dist/ when it is fresh (bin/leadline.js): build it once now
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');

  const run = randomUUID().slice(0, 8);
  const dbName = `leadline_soak_${run}`;
  const prefix = `soak-${run}`;
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'leadline-soak-'));
  const cleanups: Array<() => Promise<unknown>> = [];
  let fleet: Fleet | undefined;
  const onSignal = () => {
    say('interrupted: stopping the processes');
    void (fleet?.stopAll(2000) ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);

  say(
    `soak: ${num('minutes')} min of traffic, 2 web + 3 worker + 1 watcher (leadline start), a SIGKILL every ${KILL_EVERY_MS / 1000} s ` +
      `(worker and web in turn, the watcher once), drain bound ${DRAIN_MS / 1000} s`,
  );
  say(
    `offered: Telegram customers ${rates.telegram}/s, Slack customers ${rates.slack}/s, e-mail ${rates.email}/s, API leads ${rates.api}/s, reminders ${rates.reminders}/s, answers ${rates.answers}/s`,
  );
  say(`database ${dbName}, queue prefix ${prefix}, logs in ${logDir}`);
  const url = withDatabase(serverUrl, dbName);
  await migrate(url);
  cleanups.push(() => (opt.keep ? Promise.resolve() : adminQuery(`DROP DATABASE IF EXISTS ${quoteIdent(dbName)} WITH (FORCE)`)));
  cleanups.push(() => (opt.keep ? Promise.resolve() : unlinkPrefix(redisUrl, prefix)));
  const db = createPrisma(url, 4);
  cleanups.push(() => db.$disconnect());

  try {
    // ---- the fakes and the mail servers ----
    const bot = await new LimitedBotApi().start();
    cleanups.push(() => bot.close());
    const slack = await new FakeSlack({ postMessagePerChannelMs: 1000, token: `xoxb-soak-${run}` }).start();
    cleanups.push(() => slack.close());
    const smtp = await startSmtpSink();
    cleanups.push(() => smtp.close());
    const dovecot = await startDovecot();
    cleanups.push(() => dovecot.stop());

    // ---- the team, the customers, the mailbox ----
    const ws = await ensureWorkspace(db, 'soak', { timezone: 'UTC', locale: 'en' });
    const botId = 7_000_000 + Math.floor(Math.random() * 1_000_000);
    const ids: SoakIds = {
      run,
      botToken: `${botId}:SOAK${run}${randomUUID().replace(/-/g, '')}`,
      botId,
      webhookSecret: `soak-secret-${run}`,
      slackSecret: `soak-signing-${run}`,
      slackCustomerTeam: 'TSOAKCUST',
      slackChannels: Array.from({ length: 5 }, (_, i) => `CSOAK${i + 1}`),
      slackCustomers: Array.from({ length: 30 }, (_, i) => ({ user: `USOAKC${String(i + 1).padStart(3, '0')}`, channel: `CSOAK${(i % 5) + 1}` })),
      telegramCustomers: Array.from({ length: 200 }, (_, i) => 600_000_000 + i),
      emailCustomers: Array.from({ length: 50 }, (_, i) => `customer${i + 1}.${run}@soak-customers.test`),
      apiCustomers: Array.from({ length: 50 }, (_, i) => `buyer${i + 1}.${run}@soak-api.test`),
      salesAddress: 'sales@leadline-soak.test',
    };
    for (const ch of ids.slackChannels) slack.addChannel({ id: ch, name: `soak-${ch.toLowerCase()}`, is_shared: true, is_ext_shared: true });
    for (const c of ids.slackCustomers)
      slack.addUser({ id: c.user, team_id: ids.slackCustomerTeam, name: c.user.toLowerCase(), real_name: `Slack customer ${c.user}` });
    const managers: Manager[] = [];
    const member = async (name: string, role: 'manager' | 'head', channel: 'telegram' | 'slack', n: number): Promise<Manager> => {
      const user = await db.user.create({ data: { workspaceId: ws.id, name, role, locale: 'en', timezone: 'UTC', onDuty: role === 'manager' } });
      if (channel === 'telegram') {
        const chatId = String(500_000_000 + n);
        await db.identity.create({ data: { workspaceId: ws.id, channel, externalId: chatId, chatId, userId: user.id } });
        return { userId: user.id, name, channel, chatId };
      }
      const slackUser = `USOAKM${n}`;
      slack.addUser({ id: slackUser, team_id: slack.teamId, name: name.toLowerCase(), real_name: name, locale: 'en-US' });
      const chatId = `DSOAKM${n}`;
      await db.identity.create({ data: { workspaceId: ws.id, channel, externalId: `${slack.teamId}:${slackUser}`, chatId, userId: user.id } });
      return { userId: user.id, name, channel, chatId, slackUser };
    };
    for (let i = 1; i <= TELEGRAM_MANAGERS; i++) managers.push(await member(`Telegram manager ${i}`, 'manager', 'telegram', i));
    for (let i = 1; i <= SLACK_MANAGERS; i++) managers.push(await member(`Slack manager ${i}`, 'manager', 'slack', i));
    const head = await member('Head of sales', 'head', 'telegram', 99);
    const mailbox = await db.mailbox.create({
      data: {
        workspaceId: ws.id,
        name: 'sales',
        imapUrl: dovecot.imapUrl,
        smtpUrl: `smtp://sales:pw@127.0.0.1:${smtp.port}`,
        fromAddress: `Sales <${ids.salesAddress}>`,
      },
    });
    ids.mailboxId = mailbox.id;
    ids.apiKey = (await createApiKey(dbContext(db), systemActor(ws), { name: 'soak', scopes: ['leads:write'] })).key;

    // ---- the processes ----
    const webPorts = [await freePort(), await freePort()];
    const common: Record<string, string> = {
      DATABASE_URL: url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      DEFAULT_WORKSPACE: 'soak',
      DEFAULT_TIMEZONE: 'UTC',
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TELEGRAM_BOT_TOKEN: ids.botToken,
      TELEGRAM_API_ROOT: bot.apiRoot,
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${webPorts[0]}/telegram/webhook`,
      TELEGRAM_WEBHOOK_SECRET: ids.webhookSecret,
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: ids.slackSecret,
      SLACK_API_URL: slack.apiUrl,
    };
    const specs: SlotSpec[] = [
      ...webPorts.map((port, i) => ({
        name: `web-${i + 1}`,
        role: 'web' as const,
        port,
        env: { ...common, LEADLINE_ROLES: 'web', HTTP_PORT: String(port), DATABASE_POOL_SIZE: '4' },
      })),
      ...[1, 2, 3].map((i) => ({ name: `worker-${i}`, role: 'worker' as const, env: { ...common, LEADLINE_ROLES: 'worker' } })),
      { name: 'watcher-1', role: 'watcher' as const, env: { ...common, LEADLINE_ROLES: 'watcher', DATABASE_POOL_SIZE: '3' } },
    ];
    fleet = new Fleet(specs, root, logDir, say);
    const f = fleet;
    cleanups.push(() => f.stopAll(10_000));
    say('starting the processes');
    const startT = Date.now();
    await fleet.startAll(START_TIMEOUT_MS);
    say(`all 6 processes ready in ${((Date.now() - startT) / 1000).toFixed(1)} s`);

    // ---- digests due within the run: the first whole minute at least 25 s from now ----
    const digestAt = new Date(Math.ceil((Date.now() + 25_000) / 60_000) * 60_000);
    const digests: DigestExpectation[] = [];
    for (const m of [...managers, head]) {
      const kind = m === head ? ('team_daily' as const) : ('today' as const);
      const sub = await db.digestSubscription.create({ data: { userId: m.userId, kind, hour: digestAt.getUTCHours(), minute: digestAt.getUTCMinutes() } });
      digests.push({ subscriptionId: sub.id, kind, chatId: m.chatId, dueAt: digestAt.getTime() });
    }
    const settings = queueSettings(redisUrl, prefix);
    const digestQueue = createDigestQueue(settings);
    await syncDigestSchedulers(db, digestQueue);
    await digestQueue.close();
    say(`${digests.length} digests scheduled for ${digestAt.toISOString().slice(11, 16)} UTC`);

    // ---- traffic, kills, progress ----
    const imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await imap.connect();
    cleanups.push(() => imap.logout().catch(() => undefined));
    const traffic = new Traffic(ids, managers, fleet, bot, slack, imap, rates, RETRY_WINDOW_MS);
    const queues = { inbound: openQueue(settings, INBOUND_QUEUE), outbound: openQueue(settings, OUTBOUND_QUEUE) };
    cleanups.push(() => Promise.all(Object.values(queues).map((q) => q.close())));
    const queueCounts = async () => {
      const c = await Promise.all(
        Object.values(queues).map(async (q) => {
          const n = await q.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
          return Object.values(n).reduce((a, b) => a + b, 0);
        }),
      );
      return { inbound: c[0]!, outbound: c[1]! };
    };
    const storedCount = async () =>
      Number((await db.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM "Message" WHERE "workspaceId" = ${ws.id} AND direction = 'inbound'`)[0]!.n);
    const up = () => `up: web ${fleet!.ready('web').length}/2, worker ${fleet!.ready('worker').length}/3, watcher ${fleet!.ready('watcher').length}/1`;
    const progress = async () => {
      const acc = (list: Array<{ accepted: boolean }>) => list.filter((m) => m.accepted).length;
      const byCh = (ch: string) => traffic.customerMessages.filter((m) => m.channel === ch);
      const q = await queueCounts();
      say(
        `accepted: tg ${acc(byCh('telegram'))}/${byCh('telegram').length}, slack ${acc(byCh('slack'))}/${byCh('slack').length}, ` +
          `email ${acc(byCh('email'))}/${byCh('email').length}, api ${acc(byCh('api'))}/${byCh('api').length}, reminders ${acc(traffic.commands)}, answers ${acc(traffic.answers)} | ` +
          `stored ${await storedCount()} | sent: tg ${bot.accepted.length}, slack ${slack.callsTo('chat.postMessage').length}, smtp ${smtp.sent.length} | ` +
          `429: ${bot.rejected + slack.rateLimited} | queued: inbound ${q.inbound}, outbound ${q.outbound} | ${up()} | load ${os.loadavg()[0]!.toFixed(1)}`,
      );
    };

    const kills: Array<KillEvent & { role: string; readyAfterMs?: number }> = [];
    const killJobs: Array<Promise<void>> = [];
    const killOne = (role: 'web' | 'worker' | 'watcher', turn: number) => {
      const candidates = fleet!.ready(role);
      if (!candidates.length) {
        say(`(no ${role} is up to kill; skipped)`);
        return;
      }
      const slot: Slot = candidates[turn % candidates.length]!;
      const k: (typeof kills)[number] = { role, name: slot.name, at: Date.now(), pid: slot.child?.pid };
      kills.push(k);
      say(`SIGKILL ${slot.name} (pid ${k.pid}) at ${new Date(k.at).toISOString().slice(11, 23)}; restart in ${RESTART_AFTER_MS / 1000} s`);
      killJobs.push(
        fleet!.killAndRestart(slot, RESTART_AFTER_MS, START_TIMEOUT_MS).then(
          () => {
            k.readyAfterMs = Date.now() - k.at;
            say(`${slot.name} is back (pid ${slot.child?.pid}), ${(k.readyAfterMs / 1000).toFixed(1)} s after the kill`);
          },
          (e: Error) => say(`!! ${slot.name} did not come back: ${e.message}`),
        ),
      );
    };
    const trafficStart = Date.now();
    traffic.start();
    say(`traffic started (${up()})`);
    const timers: NodeJS.Timeout[] = [];
    let turn = 0;
    for (let at = KILL_EVERY_MS; at < RUN_MS - 2000; at += KILL_EVERY_MS) {
      const n = turn++;
      timers.push(setTimeout(() => killOne(n % 2 === 0 ? 'worker' : 'web', Math.floor(n / 2)), at));
    }
    const watcherAt = Math.min(RUN_MS / 2 + KILL_EVERY_MS / 2, RUN_MS - 2000);
    if (watcherAt > 0) timers.push(setTimeout(() => killOne('watcher', 0), watcherAt));
    const progressEvery = RUN_MS < 60_000 ? 5_000 : 10_000;
    const ticker = setInterval(() => void progress().catch((e: Error) => say(`progress failed: ${e.message}`)), progressEvery);
    await new Promise((r) => setTimeout(r, RUN_MS));
    for (const t of timers) clearTimeout(t);
    say(`traffic stops; ${traffic.pending} request(s) still being retried`);
    await traffic.stop();
    await Promise.all(killJobs);
    const trafficEnd = Date.now();
    say(`every request accepted or given up (${up()}); draining`);

    // ---- drain: until nothing is missing and the queues are idle, or the bound ----
    const drainStart = Date.now();
    let report: Report | undefined;
    let lastSay = 0;
    for (;;) {
      const now = Date.now();
      const q = await queueCounts();
      report = await runChecks({ db, workspaceId: ws.id, traffic, managers, digests, bot, slack, smtp, now });
      if (report.waiting === 0 && q.inbound === 0 && q.outbound === 0) break;
      if (now - drainStart > DRAIN_MS) {
        say(`drain bound of ${DRAIN_MS / 1000} s reached`);
        break;
      }
      if (now - lastSay > 10_000) {
        lastSay = now;
        say(`draining: ${report.waiting} outcome(s) still to come, queued: inbound ${q.inbound}, outbound ${q.outbound}`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    clearInterval(ticker);
    const drainEnd = Date.now();
    const drainedMs = drainEnd - drainStart;
    const load = os.loadavg();
    say(`drained in ${(drainedMs / 1000).toFixed(1)} s; stopping the processes`);
    await fleet.stopAll(10_000);
    // the verdict once nothing can send any more (a check while sends go on can see a send before its record)
    report = await runChecks({ db, workspaceId: ws.id, traffic, managers, digests, bot, slack, smtp, now: drainEnd, kills });

    // ---- summary ----
    const failures = failuresOf(report);
    // a check with nothing to check passes vacuously: each kind of traffic offered must have been checked
    const offered: Record<string, number> = {
      'telegram messages stored': rates.telegram,
      'slack messages stored': rates.slack,
      'email messages stored': rates.email,
      'API leads stored': rates.api,
      'notifications to the manager': rates.telegram + rates.slack + rates.email + rates.api,
      'reminders delivered (at the fake)': rates.reminders,
      'answers delivered to the customer': rates.answers,
      'digests delivered': 1,
    };
    for (const t of report.tallies) if (offered[t.name] && t.expected === 0) failures.push(`${t.name}: nothing was checked`);
    const crashes = fleet.slots.flatMap((s) => s.crashes.map((c) => `${s.name}: ${c}`));
    if (crashes.length) failures.push(`${crashes.length} process(es) exited by themselves: ${crashes.join('; ')}`);
    const lost = report.tallies.reduce((n, t) => n + t.missing.length, 0);
    const duplicated = report.tallies.reduce((n, t) => n + t.duplicated.length, 0);
    const c = (ch: string) => traffic.customerMessages.filter((m) => m.channel === ch);
    const line = (label: string, list: Array<{ accepted: boolean; attempts: number; givenUp: boolean }>) =>
      `  ${label.padEnd(22)} offered ${String(list.length).padStart(5)}  accepted ${String(list.filter((m) => m.accepted).length).padStart(5)}` +
      `  (after a retry ${list.filter((m) => m.accepted && m.attempts > 1).length}, given up ${list.filter((m) => m.givenUp).length})`;
    const restarts = kills.flatMap((k) => (k.readyAfterMs === undefined ? [] : [k.readyAfterMs]));
    console.log('');
    console.log(`soak summary — ${((trafficEnd - trafficStart) / 60_000).toFixed(1)} min of traffic, 2 web + 3 worker + 1 watcher (leadline start)`);
    console.log(
      `  kills (SIGKILL + restart): ${['worker', 'web', 'watcher'].map((r) => `${r} ${kills.filter((k) => k.role === r).length}`).join(', ')}; ` +
        `back and ready after p50 ${(quantile(restarts, 0.5) / 1000).toFixed(1)} s, max ${(Math.max(0, ...restarts) / 1000).toFixed(1)} s; ` +
        `processes that exited by themselves: ${crashes.length}`,
    );
    console.log(line('Telegram customers', c('telegram')));
    console.log(line('Slack customers', c('slack')));
    console.log(line('e-mail (APPEND)', c('email')));
    console.log(line('API leads', c('api')));
    console.log(line('reminder commands', traffic.commands));
    console.log(line('answers', traffic.answers));
    console.log(`  refused requests (then retried): ${[...traffic.refusals].map(([s, n]) => `${s} ×${n}`).join(', ') || 'none'}`);
    console.log('');
    console.log(`  ${'check'.padEnd(44)} ${'expected'.padStart(8)} ${'once'.padStart(8)} ${'lost'.padStart(6)} ${'duplicated'.padStart(10)}`);
    for (const t of report.tallies) {
      console.log(
        `  ${t.name.padEnd(44)} ${String(t.expected).padStart(8)} ${String(t.ok).padStart(8)} ${String(t.missing.length).padStart(6)} ${String(t.duplicated.length).padStart(10)}`,
      );
    }
    console.log('');
    console.log(
      `  delivery ledger: ${Object.entries(report.ledger)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}`,
    );
    console.log(
      `  notifications whose token their manager's message does not quote (folded behind the same customer's later message, or cut short), found through their ledger row and that message at the fake: ${report.foldedNotices}`,
    );
    console.log(
      `  sends at the fakes: Telegram ${report.sends.telegram} (${report.sends.telegramPhotos} photos), Slack ${report.sends.slack}, SMTP ${report.sends.email}; ` +
        `429: Telegram ${report.rateLimited.telegram}, Slack ${report.rateLimited.slack}`,
    );
    const lag = report.recordLagMs;
    console.log(
      `  send → record (Telegram: the fake took it → its ledger row marked sent): p50 ${quantile(lag, 0.5).toFixed(0)} ms, ` +
        `p99 ${quantile(lag, 0.99).toFixed(0)} ms, max ${Math.max(0, ...lag).toFixed(0)} ms (a worker SIGKILLed inside it sends that message again)`,
    );
    console.log(`  drained in ${(drainedMs / 1000).toFixed(1)} s (bound ${DRAIN_MS / 1000} s); whole run ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    console.log(`  machine: ${os.cpus().length} CPUs, load average ${load.map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min) at the end of the drain`);
    console.log('');
    for (const fl of failures) console.log(`  FAIL ${fl}`);
    const rl = report.rateLimited.telegram + report.rateLimited.slack;
    console.log(
      `${failures.length ? 'FAILED' : 'PASSED'}: ${lost} lost, ${duplicated} duplicated, ${rl} × 429${failures.length ? `; ${failures.length} failure(s) above; logs kept in ${logDir}` : ''}`,
    );
    if (!failures.length && !opt.keep) rmSync(logDir, { recursive: true, force: true });
    return failures.length ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    for (const cleanup of cleanups.reverse()) await cleanup().catch((e: Error) => console.error(`cleanup: ${e.message}`));
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
