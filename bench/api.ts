// npm run bench:api — the website and the REST API over real HTTP against the real `web` role
// (a `leadline start` process with LEADLINE_ROLES=web, on the build in dist/) and a `worker`
// role process, as deployed, in a database of its own:
//   1. form posts: BENCH_FORMS urlencoded posts to POST /forms/:formKey, BENCH_CONCURRENCY at a
//      time, each a new customer (name, e-mail, phone, message, a utm field). Accepted (202)
//      once on the inbound queue; the worker makes each a lead (contact deduped, lead assigned
//      round robin with its SLA, the manager notified on the console channel; a form has no chat,
//      so nothing is queued to the customer). Prints posts/s answered and posts/s until the last
//      lead is stored.
//   2. API lead creates: BENCH_LEADS POST /api/v1/leads (JSON, Bearer key), BENCH_CONCURRENCY at a
//      time, each answered 201 with its lead (the web process runs the chat engine inline).
//   3. webhook deliveries: with the worker stopped, BENCH_WEBHOOKS API leads leave lead.created
//      events in the outbox for an endpoint on a local receiver; then a worker starts and
//      relays, signs and posts them. Prints deliveries/s from the first to the last post, and
//      checks every signature and that each delivery id arrives exactly once.
// Baselines in the same run: the same rows as one lead written with plain SQL (pg, one
// transaction per lead, BENCH_CONCURRENCY at a time: inbound event, contact, its e-mail and
// phone, identity, conversation, lead, message, activity, the assignee's round-robin stamp),
// and for webhooks the same signed bodies posted straight to the receiver with fetch at the
// webhook worker's concurrency (16). Goal: form posts/s and API creates/s >= 0.3 x plain SQL.
// The database (BENCH_DATABASE, default leadline_bench_api) is recreated each run and dropped
// afterwards (BENCH_KEEP=1 keeps it); the run's Redis keys are removed.
import 'dotenv/config';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import http, { createServer } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../connectors/config.js';
import { createPrisma } from '../connectors/db/client.js';
import { recreateDatabase, dropDatabase } from './support/bench-database.js';
import { checkPostgres, checkRedis } from '../connectors/services.js';
import { ensureWorkspace } from '../core/workspaces/ensure-workspace.js';
import { dbContext } from '../connectors/db/stores/index.js';
import { systemActor } from '../core/actor.js';
import { addForm } from '../core/forms/forms.js';
import { API_SCOPES, createApiKey } from '../core/api/api-keys.js';
import { addWebhook } from '../core/webhooks/endpoints.js';
import { signWebhook, verifyWebhook } from '../core/webhooks/signature.js';
import { unlinkPrefix } from './support/redis-prefix.js';

const FORMS = Number(process.env.BENCH_FORMS ?? 2000);
const LEADS = Number(process.env.BENCH_LEADS ?? 2000);
const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const MANAGERS = 10;
const root = fileURLToPath(new URL('..', import.meta.url));
const say = (...a: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Runs `task(i)` for i = 0..n-1, `concurrency` at a time; returns each call's latency in ms. */
async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await task(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return latencies.sort((a, b) => a - b);
}

// The load generator's HTTP client: node:http on kept-alive connections, as light a client as
// a benchmark tool's (wrk, autocannon). It shares the 2 CPUs with what it measures; fetch
// (undici) spent about 5 x its CPU per request here, which came off the web process's share.
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** POSTs `body` to 127.0.0.1:`port``path`, reads the answer through; resolves with its status. */
function post(port: number, path: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `leadline start` as a role process; resolves once it says it is running. */
function startRole(role: string, env: Record<string, string>): Promise<ChildProcess> {
  // BENCH_NODE_ARGS: extra flags for the role processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, 'bin/leadline.js', 'start'], {
    cwd: root,
    env: { ...process.env, ...env, LEADLINE_ROLES: role, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Leadline is running')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`the ${role} process exited with ${code} before it was running:\n${out}`)));
  });
}

async function stopRole(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

async function waitUntil(probe: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main() {
  const config = loadConfig();
  await checkPostgres(config.DATABASE_URL);
  await checkRedis(config.REDIS_URL);
  // the role processes run the build in dist/ (as `npm start` does)
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed');
  const dbName = process.env.BENCH_DATABASE ?? 'leadline_bench_api';
  const url = await recreateDatabase(config.DATABASE_URL, dbName);
  const db = createPrisma(url, 4);
  const slug = `bench-api-${randomUUID().slice(0, 6)}`;
  const ws = await ensureWorkspace(db, slug, { timezone: 'Europe/Moscow', locale: 'ru', name: 'Bench API' });
  for (let m = 0; m < MANAGERS; m++) {
    const user = await db.user.create({ data: { workspaceId: ws.id, name: `Manager ${m}`, role: 'manager' } });
    await db.identity.create({ data: { workspaceId: ws.id, channel: 'console', externalId: `user-${user.id}`, chatId: `user-${user.id}`, userId: user.id } });
  }
  const system = systemActor(ws);
  const form = await addForm(dbContext(db), system, { name: 'Bench form' });
  const { key } = await createApiKey(dbContext(db), system, { name: 'bench', scopes: [...API_SCOPES] });
  const prefix = `bench-api-${randomUUID().slice(0, 8)}`;
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const env = {
    DATABASE_URL: url,
    REDIS_URL: config.REDIS_URL,
    QUEUE_PREFIX: prefix,
    DEFAULT_WORKSPACE: slug,
    HTTP_PORT: String(port),
    HTTP_HOST: '127.0.0.1',
    // the limits are checked on every request (a Redis round trip each) but never reached here
    FORM_RATE_PER_IP_PER_MINUTE: '100000000',
    FORM_RATE_PER_FORM_PER_MINUTE: '100000000',
    API_RATE_PER_KEY_PER_MINUTE: '100000000',
  };
  say(
    `bench:api — ${FORMS} form posts, ${LEADS} API leads, ${WEBHOOKS} webhook deliveries; ${CONCURRENCY} requests at a time; a web and a worker process; database ${dbName}`,
  );

  // ---- baseline: the rows of one new customer's lead with plain SQL, one transaction each ----
  const sqlPool = new pg.Pool({ connectionString: url, max: CONCURRENCY });
  const sqlWs = await ensureWorkspace(db, `${slug}-sql`, { timezone: 'Europe/Moscow', locale: 'ru' });
  const sqlManagers: number[] = [];
  for (let m = 0; m < MANAGERS; m++) sqlManagers.push((await db.user.create({ data: { workspaceId: sqlWs.id, name: `M${m}`, role: 'manager' } })).id);
  let sqlSeq = 0;
  /** `n` leads with plain SQL, CONCURRENCY at a time: leads/s and latencies */
  const plainSql = async (n: number) => {
    const t0 = performance.now();
    const latencies = await pool(n, CONCURRENCY, async () => {
      const i = sqlSeq++;
      const c = await sqlPool.connect();
      try {
        const email = `sql-${i}@example.com`;
        await c.query('BEGIN');
        await c.query(`INSERT INTO "InboundEvent" ("dedupeKey", source, "processedAt") VALUES ($1, 'web', now())`, [`sql:${sqlWs.id}:${i}`]);
        const contact = await c.query(`INSERT INTO "Contact" ("workspaceId", name, "nameKey", "updatedAt") VALUES ($1, $2, lower($2), now()) RETURNING id`, [
          sqlWs.id,
          `Customer ${i}`,
        ]);
        const contactId = contact.rows[0].id as number;
        await c.query(`INSERT INTO "ContactEmail" ("workspaceId", "contactId", email) VALUES ($1, $2, $3)`, [sqlWs.id, contactId, email]);
        await c.query(`INSERT INTO "ContactPhone" ("workspaceId", "contactId", phone) VALUES ($1, $2, $3)`, [
          sqlWs.id,
          contactId,
          `+7916${String(i).padStart(7, '0')}`,
        ]);
        const identity = await c.query(
          `INSERT INTO "Identity" ("workspaceId", channel, "externalId", "chatId", "contactId", "updatedAt") VALUES ($1, 'web', $2, $2, $3, now()) RETURNING id`,
          [sqlWs.id, email, contactId],
        );
        const conv = await c.query(`INSERT INTO "Conversation" ("workspaceId", "contactId", channel, "identityId") VALUES ($1, $2, 'web', $3) RETURNING id`, [
          sqlWs.id,
          contactId,
          identity.rows[0].id,
        ]);
        const assignee = sqlManagers[i % MANAGERS];
        const lead = await c.query(
          `INSERT INTO "Lead" ("workspaceId", "contactId", "conversationId", source, title, "firstMessage", "assigneeId", "firstResponseDueAt", "updatedAt")
           VALUES ($1, $2, $3, 'web', $4, $4, $5, now() + interval '15 minutes', now()) RETURNING id`,
          [sqlWs.id, contactId, conv.rows[0].id, `Need a quote for ${i} seats`, assignee],
        );
        await c.query(`UPDATE "User" SET "lastAssignedAt" = now() WHERE id = $1`, [assignee]);
        await c.query(
          `INSERT INTO "Message" ("workspaceId", "conversationId", direction, channel, "externalId", text) VALUES ($1, $2, 'inbound', 'web', $3, $4)`,
          [sqlWs.id, conv.rows[0].id, `sql:${i}`, `Need a quote for ${i} seats`],
        );
        await c.query(`INSERT INTO "Activity" ("workspaceId", type, "contactId", "leadId") VALUES ($1, 'lead.created', $2, $3)`, [
          sqlWs.id,
          contactId,
          lead.rows[0].id,
        ]);
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK');
        throw e;
      } finally {
        c.release();
      }
    });
    return { rate: n / ((performance.now() - t0) / 1000), latencies };
  };
  let web: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  const receiver = createServer();
  try {
    web = await startRole('web', env);
    worker = await startRole('worker', env);
    say('web and worker processes running');

    const postForm = async (i: number, tag: string) => {
      const body = new URLSearchParams({
        name: `Form Customer ${i}`,
        email: `${tag}-${i}@example.com`,
        phone: `+7 ${tag === 'form' ? 915 : 914} ${String(i).padStart(7, '0')}`,
        message: `Need a quote for ${i} seats`,
        utm_source: 'bench',
      }).toString();
      const status = await post(port, `/forms/${form.formKey}`, { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }, body);
      return status === 202;
    };
    const apiLead = async (i: number, tag: string) => {
      const body = JSON.stringify({
        name: `API Customer ${i}`,
        email: `${tag}-${i}@example.com`,
        phone: `+7 ${{ api: 917, hook: 918 }[tag] ?? 919} ${String(i).padStart(7, '0')}`,
        message: `Need a quote for ${i} seats`,
        source: 'bench',
      });
      const status = await post(port, '/api/v1/leads', { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body);
      return status === 201;
    };
    const leadsOf = (tag: string) => db.lead.count({ where: { workspaceId: ws.id, contact: { emails: { some: { email: { startsWith: `${tag}-` } } } } } });

    // warm-up (not counted): connections, prepared statements, the JIT, as in a server that has run a while
    const WARM = CONCURRENCY * 4;
    await pool(WARM, CONCURRENCY, async (i) => void (await postForm(i, 'warmform')));
    await pool(WARM, CONCURRENCY, async (i) => void (await apiLead(i, 'warmapi')));
    await waitUntil(async () => (await leadsOf('warmform')) >= WARM, 'the warm-up leads', 600_000);
    await plainSql(WARM);

    // the plain SQL baseline is measured before the HTTP phases and again after them (the machine is shared)
    const sqlBefore = await plainSql(LEADS);
    say(`baseline: plain SQL ${sqlBefore.rate.toFixed(0)} leads/s`);

    // ---- 1. form posts ----
    let formFailures = 0;
    const formCpu0 = [cpuSeconds(web.pid), cpuSeconds(worker.pid)];
    const f0 = performance.now();
    const formLat = await pool(FORMS, CONCURRENCY, async (i) => {
      if (!(await postForm(i, 'form'))) formFailures++;
    });
    const fAnswered = (performance.now() - f0) / 1000;
    await waitUntil(async () => (await leadsOf('form')) >= FORMS - formFailures, 'the form leads stored', 600_000);
    const fStored = (performance.now() - f0) / 1000;
    const formCpuMs = ((cpuSeconds(web.pid) - formCpu0[0]! + cpuSeconds(worker.pid) - formCpu0[1]!) * 1000) / FORMS;
    const formLeads = await leadsOf('form');
    say(`forms: ${(FORMS / fAnswered).toFixed(0)} posts/s answered, ${(FORMS / fStored).toFixed(0)} posts/s stored as leads`);

    // ---- 2. API lead creates ----
    let apiFailures = 0;
    const apiCpu0 = cpuSeconds(web.pid);
    const clientCpu0 = process.cpuUsage();
    const a0 = performance.now();
    const apiLat = await pool(LEADS, CONCURRENCY, async (i) => {
      if (!(await apiLead(i, 'api'))) apiFailures++;
    });
    const apiRate = LEADS / ((performance.now() - a0) / 1000);
    const apiCpuMs = ((cpuSeconds(web.pid) - apiCpu0) * 1000) / LEADS;
    const clientCpu = process.cpuUsage(clientCpu0);
    const clientCpuMs = (clientCpu.user + clientCpu.system) / 1000 / LEADS;
    const apiLeads = await leadsOf('api');
    say(`API: ${apiRate.toFixed(0)} lead creates/s`);

    const sqlCpu0 = process.cpuUsage();
    const sqlAfter = await plainSql(LEADS);
    const sqlCpu = process.cpuUsage(sqlCpu0);
    const sqlCpuMs = (sqlCpu.user + sqlCpu.system) / 1000 / LEADS;
    say(`baseline: plain SQL ${sqlAfter.rate.toFixed(0)} leads/s`);
    const sqlRate = (sqlBefore.rate + sqlAfter.rate) / 2;
    const sqlLat = [...sqlBefore.latencies, ...sqlAfter.latencies].sort((a, b) => a - b);

    // ---- 3. webhook deliveries: a backlog in the outbox, then a worker drains it ----
    await stopRole(worker);
    worker = undefined;
    let secret = '';
    const arrivals: number[] = [];
    const byDelivery = new Map<string, number>();
    let badSignatures = 0;
    receiver.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const delivery = String(req.headers['leadline-delivery'] ?? '');
        if (!verifyWebhook(secret, String(req.headers['leadline-signature'] ?? ''), raw, Math.floor(Date.now() / 1000))) badSignatures++;
        byDelivery.set(delivery, (byDelivery.get(delivery) ?? 0) + 1);
        arrivals.push(performance.now());
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const hook = await addWebhook(dbContext(db), system, { url: hookUrl, events: ['lead.created'] });
    secret = hook.secret;
    let hookFailures = 0;
    await pool(WEBHOOKS, CONCURRENCY, async (i) => {
      if (!(await apiLead(i, 'hook'))) hookFailures++;
    });
    const events = await db.webhookEvent.count({ where: { workspaceId: ws.id, type: 'lead.created' } });
    worker = await startRole('worker', env);
    const delivered = () => db.webhookDelivery.count({ where: { endpointId: hook.id, status: 'delivered' } });
    await waitUntil(async () => byDelivery.size >= events && (await delivered()) >= events, 'every webhook delivered and recorded', 600_000);
    const hookRate = (arrivals.length - 1) / ((Math.max(...arrivals) - Math.min(...arrivals)) / 1000);
    const posts = arrivals.length;
    const idsReceived = byDelivery.size;
    const duplicates = [...byDelivery.values()].reduce((n, c) => n + c - 1, 0);
    const recorded = await delivered();
    say(`webhooks: ${hookRate.toFixed(0)} deliveries/s`);

    // ---- webhook baseline: the same signed bodies posted straight to the receiver ----
    const sample = await db.webhookEvent.findFirstOrThrow({ where: { workspaceId: ws.id, type: 'lead.created' } });
    const body = JSON.stringify({ id: `evt_${sample.id}`, type: sample.type, createdAt: sample.createdAt.toISOString(), workspace: slug, data: sample.data });
    const p0 = performance.now();
    await pool(WEBHOOKS, 16, async (i) => {
      const res = await fetch(hookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'leadline-signature': signWebhook(secret, Math.floor(Date.now() / 1000), body),
          'leadline-delivery': `plain-${i}`,
          'leadline-event': 'lead.created',
        },
        body,
      });
      await res.arrayBuffer();
    });
    const plainRate = WEBHOOKS / ((performance.now() - p0) / 1000);

    // ---- report ----
    const fmt = (n: number) => n.toFixed(0);
    const ms = (l: number[], p: number) => percentile(l, p).toFixed(1);
    const x = (rate: number) => (rate / sqlRate).toFixed(2);
    const row = (label: string, rate: number, lat: number[] | null, ratio: string) =>
      console.log(
        `${label.padEnd(48)}${fmt(rate).padStart(10)} ${(lat ? ms(lat, 50) : '').padStart(8)} ${(lat ? ms(lat, 99) : '').padStart(8)} ${ratio.padStart(13)}`,
      );
    console.log('');
    console.log(`${''.padEnd(48)}${'per second'.padStart(10)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'x plain SQL'.padStart(13)}`);
    row('form posts, answered 202 (on the inbound queue)', FORMS / fAnswered, formLat, x(FORMS / fAnswered));
    row('form posts, until every lead is stored', FORMS / fStored, null, x(FORMS / fStored));
    row('API lead creates (201 with the lead)', apiRate, apiLat, x(apiRate));
    row(`baseline: the same rows with plain SQL`, sqlRate, sqlLat, '1.00');
    console.log(`  (the mean of ${fmt(sqlBefore.rate)}/s before the HTTP phases and ${fmt(sqlAfter.rate)}/s after them)`);
    row('webhook deliveries (relay, sign, post, record)', hookRate, null, '');
    row('baseline: the same posts with fetch', plainRate, null, '');
    console.log('');
    const goal = (rate: number) => (rate >= 0.3 * sqlRate ? 'met' : 'NOT met');
    console.log(
      `checked: ${FORMS - formFailures}/${FORMS} form posts accepted, ${formLeads} leads stored; ${LEADS - apiFailures}/${LEADS} API leads created (${apiLeads} stored); ` +
        `webhooks: ${WEBHOOKS - hookFailures} leads, ${events} events, ${idsReceived} delivery ids received in ${posts} posts (${duplicates} duplicates, ${badSignatures} bad signatures), ${recorded} recorded delivered`,
    );
    console.log(
      `CPU per lead in Leadline's processes: ${formCpuMs.toFixed(1)} ms a form post (web + worker), ${apiCpuMs.toFixed(1)} ms an API lead (web); ` +
        `the HTTP client ${clientCpuMs.toFixed(2)} ms an API lead; the plain SQL client: ${sqlCpuMs.toFixed(2)} ms (Postgres's own work not counted in either); load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')} on ${availableParallelism()} cores`,
    );
    console.log(`goal >= 0.3 x plain SQL: form posts (stored) ${goal(FORMS / fStored)}, API lead creates ${goal(apiRate)}`);
    if (
      formFailures ||
      apiFailures ||
      hookFailures ||
      badSignatures ||
      formLeads !== FORMS ||
      apiLeads !== LEADS ||
      events !== WEBHOOKS ||
      idsReceived !== events ||
      recorded !== events
    )
      process.exitCode = 1;
  } finally {
    await sqlPool.end();
    if (worker) await stopRole(worker);
    if (web) await stopRole(web);
    await new Promise((r) => receiver.close(r));
    await db.$disconnect();
    // the run's Redis keys (queues, limits, leases) and, unless kept, its database
    await unlinkPrefix(config.REDIS_URL, prefix);
    if (!process.env.BENCH_KEEP) await dropDatabase(config.DATABASE_URL, dbName);
  }
}

await main();
