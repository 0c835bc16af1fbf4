// The HTTP side of the `web` role: /health plus whatever transports mount (the Telegram
// webhook, Slack events, ...). One top-level error handler: a failing handler answers 500
// and is logged; the process never crashes on a request.
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface HttpServerOptions {
  port: number;
  host?: string;
  routes?: Record<string, RouteHandler>;
  /** extra checks for /health (e.g. database ping); throw to report unhealthy */
  health?: () => Promise<Record<string, unknown>>;
  logger?: { error(o: object, m?: string): void };
}

export interface RunningHttpServer {
  server: http.Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const routes = new Map(Object.entries(opts.routes ?? {}));
  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    try {
      if (path === '/health') {
        const extra = opts.health ? await opts.health() : {};
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok', ...extra }));
        return;
      }
      const handler = routes.get(path);
      if (!handler) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      await handler(req, res);
    } catch (e) {
      opts.logger?.error({ err: (e as Error).message, path }, 'HTTP handler failed');
      if (!res.headersSent) res.writeHead(path === '/health' ? 503 : 500, { 'content-type': 'text/plain' });
      res.end(path === '/health' ? `unhealthy: ${(e as Error).message}` : 'internal error');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://${opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
