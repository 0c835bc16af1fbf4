// GET /health (liveness: the process is up and serving; touches no dependency, so a database
// outage never gets a healthy process restarted) and GET /ready (readiness: Postgres, Redis and
// the role's own checks; 503 while any is unhealthy, so a load balancer or Kubernetes stops
// sending work here). Public answers say only ok/unhealthy per check:
//   {"status":"unhealthy","postgres":"unhealthy","redis":"ok"}
// the reasons are in the log (connectors/health/readiness.ts).
import { z } from 'zod';
import type { Readiness } from '../../../connectors/health/readiness.js';
import type { HttpRoute } from '../route.js';

const status = z.enum(['ok', 'unhealthy']);
const healthBody = z.object({ status: z.literal('ok') });
const readyBody = z.object({ status }).catchall(status).describe('ok/unhealthy overall and per dependency');

export function healthRoutes(readiness?: Readiness): HttpRoute {
  return {
    describe: 'GET /health, GET /ready',
    register(app) {
      app.get('/health', { schema: { summary: 'Liveness: the process is up', tags: ['operations'], response: { 200: healthBody } } }, async (_req, reply) =>
        reply.header('cache-control', 'no-store').send({ status: 'ok' as const }),
      );
      app.get(
        '/ready',
        { schema: { summary: 'Readiness: Postgres, Redis and role checks', tags: ['operations'], response: { 200: readyBody, 503: readyBody } } },
        async (_req, reply) => {
          const report = readiness ? await readiness.report() : { status: 'ok' as const, checks: {} };
          return reply
            .code(report.status === 'ok' ? 200 : 503)
            .header('cache-control', 'no-store')
            .send({ status: report.status, ...report.checks });
        },
      );
    },
  };
}
