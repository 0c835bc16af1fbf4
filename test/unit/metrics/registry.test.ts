// The metrics registry's helpers: one metric per name (asking again returns it), names that
// follow the leadline_ convention, and the text exposition that /metrics serves.
import { describe, expect, it } from 'vitest';
import { counter, gauge, histogram, renderMetrics } from '../../../connectors/metrics/registry.js';

describe('metrics registry', () => {
  it('returns the same metric for the same name and renders it', async () => {
    const a = counter({ name: 'leadline_test_things_total', help: 'things', labelNames: ['kind'] });
    const b = counter({ name: 'leadline_test_things_total', help: 'things', labelNames: ['kind'] });
    expect(b).toBe(a);
    a.inc({ kind: 'x' });
    b.inc({ kind: 'x' }, 2);
    histogram({ name: 'leadline_test_wait_seconds', help: 'waits', buckets: [0.1, 1] }).observe(0.5);
    const { contentType, body } = await renderMetrics();
    expect(contentType).toContain('text/plain');
    expect(body).toContain('leadline_test_things_total{kind="x"} 3');
    expect(body).toContain('leadline_test_wait_seconds_bucket{le="1"} 1');
    expect(body).toContain('# TYPE leadline_process_cpu_user_seconds_total counter');
  });

  it('refuses names without the prefix and a name reused for another type', () => {
    expect(() => counter({ name: 'things_total', help: 'x' })).toThrow(/leadline_/);
    expect(() => gauge({ name: 'leadline_bad-name', help: 'x' })).toThrow(/must match/);
    counter({ name: 'leadline_test_kind_total', help: 'x' });
    expect(() => gauge({ name: 'leadline_test_kind_total', help: 'x' })).toThrow(/another type/);
  });
});
