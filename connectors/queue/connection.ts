// Where Leadline's Redis is, and the one place that opens connections to it: a single server
// (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES, which then takes precedence; the
// username, password and TLS of REDIS_URL apply to every node). Every Redis user — BullMQ
// queues and workers, leases, rate limits, the clarify store, the loss watch, readiness, the
// persistence check and the queue metrics — connects through connectRedis or queueSettings.
//
// On a cluster every BullMQ queue gets a hash-tagged prefix of its own, "<prefix>:{<queue>}"
// (e.g. "leadline:{inbound}"), so all keys of one queue share a slot (BullMQ's Lua scripts
// touch several of them at once) while different queues spread over the masters. On a single
// server the prefix stays "<prefix>", so the queued jobs of an existing install are kept.
// Tests pass a unique prefix so parallel runs never share queues.
import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis, type RedisOptions } from 'ioredis';

export interface RedisNode {
  host: string;
  port: number;
}

/** One Redis server by URL, or a Redis Cluster by its seed nodes (credentials and TLS from `url`). */
export interface RedisTarget {
  url: string;
  clusterNodes?: RedisNode[];
}

/** A URL of one server, or a RedisTarget. */
export type RedisLike = string | RedisTarget;

/** A connection to either; both speak the same commands (a cluster routes each key to its master). */
export type RedisClient = Redis | Cluster;

export function redisTarget(redis: RedisLike): RedisTarget {
  return typeof redis === 'string' ? { url: redis } : redis;
}

/** The target the settings describe: the cluster when REDIS_CLUSTER_NODES is set, else REDIS_URL. */
export function redisTargetOf(config: { REDIS_URL: string; REDIS_CLUSTER_NODES?: RedisNode[] }): RedisTarget {
  return config.REDIS_CLUSTER_NODES?.length ? { url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES } : { url: config.REDIS_URL };
}

export function isCluster(redis: RedisLike): boolean {
  return Boolean(redisTarget(redis).clusterNodes?.length);
}

/** For messages: the URL without its password, or "Redis Cluster host:port,host:port". */
export function describeRedis(redis: RedisLike): string {
  const t = redisTarget(redis);
  if (t.clusterNodes?.length) return `Redis Cluster ${t.clusterNodes.map(formatNode).join(',')}`;
  try {
    const u = new URL(t.url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return t.url;
  }
}

export function formatNode(node: RedisNode): string {
  return node.host.includes(':') ? `[${node.host}]:${node.port}` : `${node.host}:${node.port}`;
}

/** Username, password and TLS from a redis:// or rediss:// URL (for the nodes of a cluster). */
export function credentialsOf(url: string): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return {};
  }
  const out: Pick<RedisOptions, 'username' | 'password' | 'tls'> = {};
  if (u.username) out.username = decodeURIComponent(u.username);
  if (u.password) out.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') out.tls = {};
  return out;
}

/**
 * Opens a connection: an ioredis Redis on one server, an ioredis Cluster on a cluster (the
 * options then apply to each node's connection; `retryStrategy: () => null` becomes "do not
 * reconnect the cluster" too).
 */
export function connectRedis(redis: RedisLike, options: RedisOptions = {}): RedisClient {
  const t = redisTarget(redis);
  if (!t.clusterNodes?.length) return new Redis(t.url, options);
  const { lazyConnect, enableOfflineQueue, retryStrategy, ...nodeOptions } = options;
  return new Cluster(t.clusterNodes, {
    lazyConnect,
    enableOfflineQueue,
    enableReadyCheck: true,
    ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) ?? null } : {}),
    redisOptions: { ...nodeOptions, ...credentialsOf(t.url) },
  });
}

/**
 * Closes a client that queues its commands while Redis is away (no retry limit): QUIT when it
 * is connected, else the connection is dropped (QUIT would wait in the offline queue).
 */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.status !== 'ready') return void client.disconnect();
  await client.quit().catch(() => client.disconnect());
}

/** The masters of a cluster (after it is ready), or the one server itself. */
export function mastersOf(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

export interface QueueSettings {
  /**
   * BullMQ's `connection`: options for one server (each queue and worker opens its own), or
   * on a cluster one Cluster client the process's queues share (workers duplicate it; close()
   * quits it).
   */
  connection: ConnectionOptions;
  /** Redis key prefix of everything Leadline writes ("leadline" by default); see queuePrefix for BullMQ's */
  prefix: string;
  redis: RedisTarget;
  /** closes the shared cluster client, after the queues (nothing to do on one server) */
  close(): Promise<void>;
}

export function queueSettings(redis: RedisLike, prefix = 'leadline'): QueueSettings {
  const target = redisTarget(redis);
  if (!isCluster(target)) {
    // maxRetriesPerRequest null: BullMQ workers block on Redis and must not give up on a slow reply
    return { connection: { url: target.url, maxRetriesPerRequest: null }, prefix, redis: target, close: async () => undefined };
  }
  // BullMQ requires maxRetriesPerRequest null on the nodes of a cluster it blocks on
  const cluster = connectRedis(target, { maxRetriesPerRequest: null }) as Cluster;
  cluster.on('error', () => undefined); // each queue reports its connection's errors
  return {
    connection: cluster,
    prefix,
    redis: target,
    async close() {
      await cluster.quit().catch(() => cluster.disconnect());
    },
  };
}

const HASH_TAG = /\{[^}]+\}/;

/**
 * BullMQ's prefix for one queue: "<prefix>" on one server; on a cluster "<prefix>:{<queue>}",
 * so the queue's keys share one slot — unless the prefix already carries a hash tag (then every
 * queue shares that slot, as the operator asked).
 */
export function queuePrefix(settings: Pick<QueueSettings, 'prefix' | 'redis'>, queue: string): string {
  if (!isCluster(settings.redis) || HASH_TAG.test(settings.prefix)) return settings.prefix;
  return `${settings.prefix}:{${queue}}`;
}
