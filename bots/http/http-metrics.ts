// What the HTTP edge measures: the time of every request by route pattern and status, and
// the time a webhook takes from its body being read to its answer (mostly the enqueue).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { histogram, LATENCY_BUCKETS } from '../../connectors/metrics/registry.js';

const requestSeconds = histogram({
  name: 'leadline_http_request_duration_seconds',
  help: 'HTTP requests from arrival to the last byte of the answer, by method, route pattern and status',
  labelNames: ['method', 'route', 'status'],
  buckets: LATENCY_BUCKETS,
});

export const webhookSeconds = histogram({
  name: 'leadline_webhook_duration_seconds',
  help: 'Webhook handling from the body read to the answer, by source and outcome (accepted, rejected, failed)',
  labelNames: ['source', 'outcome'],
  buckets: LATENCY_BUCKETS,
});

/** onRequest hook: times the request until its response is finished or the client went away. */
export function timeRequest(request: FastifyRequest, reply: FastifyReply): void {
  const end = requestSeconds.startTimer();
  const res = reply.raw;
  res.once('close', () => {
    // route pattern (bounded), never the raw URL; unmatched paths share one label
    const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
    end({ method: request.method, route, status: res.writableFinished ? String(res.statusCode) : 'aborted' });
  });
}

export function webhookOutcome(status: number): 'accepted' | 'rejected' | 'failed' {
  return status < 400 ? 'accepted' : status < 500 ? 'rejected' : 'failed';
}
