// Readiness runs each check once at a time and reuses a fresh result, so a flood of /ready
// costs the dependencies one probe; a check that hangs counts as unhealthy after the timeout.
import { describe, expect, it } from 'vitest';
import { Readiness } from '../../../connectors/health/readiness.js';

describe('Readiness', () => {
  it('coalesces concurrent reports into one probe per check and caches the result', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const readiness = new Readiness([{ name: 'postgres', check: async () => (calls++, gate) }], { timeoutMs: 5000, cacheMs: 60_000 });
    const reports = Array.from({ length: 20 }, () => readiness.report());
    release();
    const all = await Promise.all(reports);
    expect(calls).toBe(1);
    expect(all.every((r) => r.status === 'ok' && r.checks.postgres === 'ok')).toBe(true);
    await readiness.report();
    expect(calls).toBe(1);
  });

  it('reports a hanging check unhealthy after the timeout and the others as they are', async () => {
    const readiness = new Readiness(
      [
        { name: 'postgres', check: () => new Promise(() => {}) },
        { name: 'redis', check: async () => 'PONG' },
        { name: 'inboundQueue', check: async () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:6379')) },
      ],
      { timeoutMs: 50, cacheMs: 0 },
    );
    const started = Date.now();
    expect(await readiness.report()).toEqual({ status: 'unhealthy', checks: { postgres: 'unhealthy', redis: 'ok', inboundQueue: 'unhealthy' } });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
