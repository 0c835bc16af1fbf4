// The process's one Prometheus registry (prom-client). Everything Leadline measures goes
// here and is served as text at GET /metrics (the web role's HTTP server, or METRICS_PORT).
//
// To measure something new, create the metric once at module level with one of the helpers
// below and update it where the thing happens:
//
//   import { counter, histogram } from '../metrics/registry.js';
//   const sends = counter({ name: 'leadline_sends_total', help: 'Messages handed to a platform', labelNames: ['channel', 'outcome'] });
//   sends.inc({ channel: 'telegram', outcome: 'sent' });
//   const took = histogram({ name: 'leadline_job_duration_seconds', help: '...', labelNames: ['queue'] });
//   const stop = took.startTimer({ queue: 'outbound' }); ...; stop();
//
// Names must start with `leadline_` and follow Prometheus conventions (`_total` for counters,
// base units such as `_seconds` and `_bytes`). Keep label values bounded (a queue, a channel, a
// route pattern, a status; never an id, a user or a URL). A gauge that is cheap to read at scrape
// time takes a `collect()` callback instead of being updated. Asking twice for the same name
// returns the same metric, so a module may be loaded or a server built more than once.
// core/ never imports this module: if a use case ever needs to report something, it does so
// through a port in core/ports.ts implemented here.
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
  type Metric,
} from 'prom-client';

export const METRIC_PREFIX = 'leadline_';
const NAME = /^leadline_[a-zA-Z0-9_]+$/;

const registry = new Registry();
let processMetrics = false;

/** The registry, with Node's process metrics (CPU, memory, event loop lag, GC, handles) as `leadline_process_*` / `leadline_nodejs_*`. */
export function metricsRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = true;
    collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  }
  return registry;
}

/** The exposition text and its content type, for GET /metrics. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  const reg = metricsRegistry();
  return { contentType: reg.contentType, body: await reg.metrics() };
}

function existing<M extends Metric<string>>(name: string, kind: new (...args: never[]) => M): M | undefined {
  if (!NAME.test(name)) throw new Error(`metric name "${name}" must match ${NAME} (prefix ${METRIC_PREFIX})`);
  const found = registry.getSingleMetric(name);
  if (!found) return undefined;
  if (!(found instanceof kind)) throw new Error(`metric "${name}" is already registered as another type`);
  return found as M;
}

export function counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
  return existing<Counter<L>>(config.name, Counter) ?? new Counter({ ...config, registers: [registry] });
}

export function gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
  return existing<Gauge<L>>(config.name, Gauge) ?? new Gauge({ ...config, registers: [registry] });
}

export function histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
  return existing<Histogram<L>>(config.name, Histogram) ?? new Histogram({ ...config, registers: [registry] });
}

/** Buckets for request and handling latencies, in seconds (5 ms .. 10 s). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
