// GET /metrics: the process's Prometheus registry (connectors/metrics) in the text format.
import { renderMetrics } from '../../../connectors/metrics/registry.js';
import type { HttpRoute } from '../route.js';

export function metricsRoute(): HttpRoute {
  return {
    describe: 'GET /metrics',
    register(app) {
      app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
        const { contentType, body } = await renderMetrics();
        return reply.type(contentType).header('cache-control', 'no-store').send(body);
      });
    },
  };
}
