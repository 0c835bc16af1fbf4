// Reachability checks for Postgres and Redis with one clear line each when they are down.
import net from 'node:net';
import pg from 'pg';
import { describeUrl, databaseName } from './db/database-url.js';
import { formatNode, redisTarget, type RedisLike } from './queue/connection.js';

export class ServiceUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceUnavailableError';
  }
}

function reason(e: unknown): string {
  const err = e as { code?: string; message?: string };
  return err.code ?? err.message ?? String(e);
}

/** Connects to the server (the "postgres" maintenance database, so a missing app database is fine). */
export async function checkPostgres(url: string): Promise<void> {
  const u = new URL(url);
  u.pathname = '/postgres';
  const client = new pg.Client({ connectionString: u.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    throw new ServiceUnavailableError(
      `Cannot reach PostgreSQL at ${describeUrl(url)} (DATABASE_URL): ${reason(e)}. ` +
        `Start it (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start; Docker: docker compose up -d postgres) or point DATABASE_URL at a running server; database "${databaseName(url)}" is created if missing.`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

/** Sends PING over a plain socket: no client library needed just to say "is it there". */
function ping(host: string, port: number, url: URL): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host, port, timeout: 3000 });
    const fail = (e: unknown) => {
      socket.destroy();
      reject(e);
    };
    socket.once('error', fail);
    socket.once('timeout', () => fail(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    socket.once('connect', () => {
      const auth = url.password ? `AUTH ${url.username ? decodeURIComponent(url.username) + ' ' : ''}${decodeURIComponent(url.password)}\r\n` : '';
      socket.write(`${auth}PING\r\n`);
    });
    socket.on('data', (chunk) => {
      const text = chunk.toString();
      if (text.includes('PONG')) {
        socket.end();
        resolve();
      } else if (text.startsWith('-')) fail(new Error(text.trim()));
    });
  });
}

/**
 * PING to the Redis server of REDIS_URL, or on a cluster to its seed nodes (REDIS_CLUSTER_NODES,
 * with the password of REDIS_URL): one answering is enough to start, the client finds the rest.
 */
export async function checkRedis(redis: RedisLike): Promise<void> {
  const target = redisTarget(redis);
  const u = new URL(target.url);
  if (target.clusterNodes?.length) {
    const failures: string[] = [];
    for (const node of target.clusterNodes) {
      try {
        await ping(node.host, node.port, u);
        return;
      } catch (e) {
        failures.push(`${formatNode(node)}: ${reason(e)}`);
      }
    }
    throw new ServiceUnavailableError(
      `Cannot reach any node of the Redis Cluster (REDIS_CLUSTER_NODES): ${failures.join('; ')}. ` +
        `Start the cluster or point REDIS_CLUSTER_NODES at its nodes (host:port,host:port,...); unset it to use REDIS_URL.`,
    );
  }
  try {
    await ping(u.hostname || '127.0.0.1', Number(u.port || 6379), u);
  } catch (e) {
    throw new ServiceUnavailableError(
      `Cannot reach Redis at ${describeUrl(target.url)} (REDIS_URL): ${reason(e)}. ` +
        `Start it (Debian: redis-server --daemonize yes; Docker: docker compose up -d redis) or point REDIS_URL at a running server.`,
    );
  }
}
