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

/** Postgres refused the credentials: a wrong password (28P01) or a role it does not know / pg_hba refusing it (28000). */
const AUTH_FAILED = new Set(['28P01', '28000']);

/**
 * Connects to the server (the "postgres" maintenance database, so a missing app database is
 * fine). `database: true`: the app database must exist and be migrated too (commands that use
 * it; `migrate` and `start` create it). One line for each way it fails.
 */
export async function checkPostgres(url: string, opts: { database?: boolean } = {}): Promise<void> {
  const u = new URL(url);
  u.pathname = '/postgres';
  const client = new pg.Client({ connectionString: u.toString(), connectionTimeoutMillis: 3000 });
  // pg emits connection errors both as the rejection and as an event; the rejection is handled below
  client.on('error', () => {});
  let exists = true;
  try {
    await client.connect();
    if (opts.database) {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName(url)]);
      exists = found.rowCount === 1;
    } else await client.query('SELECT 1');
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code && AUTH_FAILED.has(code)) {
      throw new ServiceUnavailableError(
        `PostgreSQL at ${describeUrl(url)} refused user "${decodeURIComponent(u.username) || 'default'}" (DATABASE_URL): ${(e as Error).message}. ` +
          `Check the user name and password in DATABASE_URL, or create that role in Postgres.`,
      );
    }
    throw new ServiceUnavailableError(
      `Cannot reach PostgreSQL at ${describeUrl(url)} (DATABASE_URL): ${reason(e)}. ` +
        `Start it (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start; Docker: docker compose up -d postgres) or point DATABASE_URL at a running server; database "${databaseName(url)}" is created if missing.`,
    );
  } finally {
    await client.end().catch(() => {});
  }
  if (!exists) throw new ServiceUnavailableError(notMigrated(url, 'does not exist yet'));
  if (opts.database) await checkMigrated(url);
}

function notMigrated(url: string, what: string): string {
  return `Database "${databaseName(url)}" at ${describeUrl(url)} ${what}: run \`npm start\` or \`npx leadline migrate\` first.`;
}

/** The app database has Prisma's migration table (an empty database was never migrated). */
async function checkMigrated(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const r = await client.query<{ t: string | null }>(`SELECT to_regclass('public."_prisma_migrations"')::text AS t`);
    if (!r.rows[0]?.t) throw new ServiceUnavailableError(notMigrated(url, 'has no tables yet'));
  } catch (e) {
    if (e instanceof ServiceUnavailableError) throw e;
    throw new ServiceUnavailableError(`Cannot open database "${databaseName(url)}" at ${describeUrl(url)} (DATABASE_URL): ${(e as Error).message}.`);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The port this process is about to serve on is free: checked before anything else starts
 * (migrations, reconciling), and named by its setting when it is not.
 */
export async function checkPortFree(port: number, host: string, setting: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new ServiceUnavailableError(
          e.code === 'EADDRINUSE'
            ? `${setting}=${port} is already in use on ${host} (another Leadline, or another program): stop it or set ${setting} to a free port.`
            : `Cannot listen on ${host}:${port} (${setting}): ${e.code ?? e.message}.`,
        ),
      ),
    );
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
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
