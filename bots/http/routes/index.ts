// The one place routes join the server: the operations routes this server serves (/health,
// /ready, /metrics) and whatever modules the composition root passes (the Telegram webhook,
// Slack events; later web forms and /api/v1). Each module gets a Fastify context of its own.
import type { Readiness } from '../../../connectors/health/readiness.js';
import type { HttpApp, HttpRoute } from '../route.js';
import { healthRoutes } from './health.js';
import { metricsRoute } from './metrics.js';

export interface RouteSet {
  /** checks behind GET /ready; without them /ready answers like /health */
  readiness?: Readiness;
  /** serve GET /metrics here (default true; false when METRICS_PORT serves it instead) */
  metrics?: boolean;
  routes?: HttpRoute[];
}

/** The modules a server with this set serves, operations first. */
export function routeModules(set: RouteSet): HttpRoute[] {
  return [healthRoutes(set.readiness), ...(set.metrics === false ? [] : [metricsRoute()]), ...(set.routes ?? [])];
}

export async function registerRoutes(app: HttpApp, modules: HttpRoute[]): Promise<void> {
  for (const module of modules) {
    await app.register(async (scope) => {
      await module.register(scope as HttpApp);
    });
  }
}
