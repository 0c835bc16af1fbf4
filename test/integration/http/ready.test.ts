// `leadline start` (web role) with Postgres and Redis behind TCP proxies that the test cuts:
// /health stays 200 and says only "ok"; /ready answers 503 naming the dependency as unhealthy,
// with no host, port or error text in the body, and 200 again once the dependency is back. The
// reason is in the log. METRICS_PORT moves /metrics off the public port; a process without
// the web role serves /metrics, /health and /ready there.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pino } from 'pino';
import { uniqueSlug } from '../../support/db.js';
import { freePort, waitFor } from '../../support/wait.js';
import { tcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';
import { loadConfig } from '../../../connectors/config.js';
import { startLeadline, type Running } from '../../../bots/main.js';
import { testPrefix } from '../../support/redis-keys.js';

let pgProxy: TcpProxy;
let redisProxy: TcpProxy;
/** `url` pointed at a proxy on this machine */
function via(proxy: TcpProxy, url: string): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
}
const target = (url: string) => [Number(new URL(url).port), new URL(url).hostname] as const;
const logged: Array<Record<string, unknown>> = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
let web: Running;
let metricsPort: number;

beforeAll(async () => {
  pgProxy = await tcpProxy(...target(inject('databaseUrl')));
  redisProxy = await tcpProxy(...target(inject('redisUrl')));
  metricsPort = await freePort();
  const config = loadConfig({
    DATABASE_URL: via(pgProxy, inject('databaseUrl')),
    REDIS_URL: via(redisProxy, inject('redisUrl')),
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    LEADLINE_ROLES: 'web',
    DEFAULT_WORKSPACE: uniqueSlug('ready'),
    QUEUE_PREFIX: testPrefix('ready'),
    READINESS_TIMEOUT_MS: '500',
    METRICS_PORT: String(metricsPort),
  });
  web = await startLeadline({ config, logger, say: () => {} });
}, 60_000);

afterAll(async () => {
  await pgProxy?.restore().catch(() => {});
  await redisProxy?.restore().catch(() => {});
  await web?.stop();
  await pgProxy?.close();
  await redisProxy?.close();
});

async function get(path: string, base = web.http!.url) {
  const res = await fetch(base + path);
  return { status: res.status, text: await res.text() };
}

/** /ready until it says what we wait for (results are cached for a second). */
const readyWith = (status: number, base?: string) =>
  waitFor(async () => {
    const r = await get('/ready', base);
    return r.status === status ? r : undefined;
  }, `/ready ${status}`);

function revealsNothing(text: string) {
  for (const secret of ['127.0.0.1', String(pgProxy.port), String(redisProxy.port), 'ECONNREFUSED', 'reach', 'Error', 'postgresql://', 'redis://']) {
    expect(text).not.toContain(secret);
  }
}

describe('/health and /ready', () => {
  it('are ok while Postgres and Redis answer', async () => {
    expect(await get('/health')).toEqual({ status: 200, text: '{"status":"ok"}' });
    const ready = await readyWith(200);
    // the web role takes web forms onto the inbound queue, so it answers for that queue too
    expect(JSON.parse(ready.text)).toEqual({ status: 'ok', postgres: 'ok', redis: 'ok', inboundQueue: 'ok' });
  });

  it('during a Postgres outage: /health 200, /ready 503 with ok/unhealthy only, the reason in the log', async () => {
    await pgProxy.cut();
    try {
      const ready = await readyWith(503);
      expect(JSON.parse(ready.text)).toEqual({ status: 'unhealthy', postgres: 'unhealthy', redis: 'ok', inboundQueue: 'ok' });
      revealsNothing(ready.text);
      const health = await get('/health');
      expect(health).toEqual({ status: 200, text: '{"status":"ok"}' });
      const line = await waitFor(() => logged.find((l) => l.msg === 'readiness: check failed' && l.check === 'postgres'), 'the log line');
      expect(JSON.stringify(line.err)).toMatch(/ECONNREFUSED|ECONNRESET|reach|connect|terminated/i);
    } finally {
      await pgProxy.restore();
    }
    expect(JSON.parse((await readyWith(200)).text)).toEqual({ status: 'ok', postgres: 'ok', redis: 'ok', inboundQueue: 'ok' });
  });

  it('during a Redis outage: /ready 503 naming redis and the queue on it only', async () => {
    await redisProxy.cut();
    try {
      // the Redis probe and the queue's own connection notice the cut at their own pace: wait for both
      const ready = await waitFor(async () => {
        const r = await get('/ready');
        const body = JSON.parse(r.text) as Record<string, string>;
        return r.status === 503 && body.inboundQueue === 'unhealthy' && body.redis === 'unhealthy' ? r : undefined;
      }, '/ready 503 with the Redis probe and the queue unhealthy');
      expect(JSON.parse(ready.text)).toEqual({ status: 'unhealthy', postgres: 'ok', redis: 'unhealthy', inboundQueue: 'unhealthy' });
      revealsNothing(ready.text);
      expect((await get('/health')).status).toBe(200);
    } finally {
      await redisProxy.restore();
    }
    await readyWith(200);
  });

  it('serves /metrics on METRICS_PORT only when it is set', async () => {
    expect((await get('/metrics')).status).toBe(404);
    // the queue gauges are read from Redis per scrape: right after the Redis outage above, the
    // first scrape may still find the connection reconnecting (counted as a scrape error)
    const metrics = await waitFor(async () => {
      const m = await get('/metrics', `http://127.0.0.1:${metricsPort}`);
      return m.status === 200 && m.text.includes('leadline_queue_depth{queue="inbound",state="waiting"}') ? m : undefined;
    }, 'queue depths on /metrics');
    expect(metrics.status).toBe(200);
    expect((await readyWith(200, `http://127.0.0.1:${metricsPort}`)).status).toBe(200);
  });

  it('a process without the web role serves /metrics, /health and /ready on METRICS_PORT', async () => {
    const port = await freePort();
    const config = loadConfig({
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      LEADLINE_ROLES: 'telegram', // no bot token: nothing else to run
      DEFAULT_WORKSPACE: uniqueSlug('metricsonly'),
      QUEUE_PREFIX: testPrefix('metricsonly'),
      HTTP_HOST: '127.0.0.1',
      METRICS_PORT: String(port),
    });
    const lines: string[] = [];
    const other = await startLeadline({ config, logger: pino({ level: 'silent' }), say: (l) => lines.push(l) });
    try {
      expect(other.http).toBeUndefined();
      const base = `http://127.0.0.1:${port}`;
      expect(lines.join('\n')).toContain(`Metrics at ${base}/metrics`);
      expect((await get('/metrics', base)).text).toContain('leadline_process_cpu_user_seconds_total');
      expect((await get('/health', base)).status).toBe(200);
      expect(JSON.parse((await readyWith(200, base)).text)).toEqual({ status: 'ok', postgres: 'ok', redis: 'ok' });
      expect((await get('/telegram/webhook', base)).status).toBe(404);
    } finally {
      await other.stop();
    }
  });
});
