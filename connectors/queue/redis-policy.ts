// Redis settings Leadline's guarantees depend on, checked at start-up:
// - maxmemory-policy noeviction: with an evicting policy, delayed jobs (reminders, SLA checks)
//   and accepted messages can silently disappear under memory pressure;
// - persistence (appendonly yes): accepted customer messages live in Redis until a worker has
//   stored them; a Redis restart without the append-only file loses what was queued.
// On a Redis Cluster both are asked of every master: the worst one decides.
import { connectRedis, formatNode, isCluster, mastersOf, type RedisLike } from './connection.js';

export type EvictionCheck = { ok: true } | { ok: false; policy: string; node?: string } | { ok: 'unknown'; reason: string };
export type PersistenceCheck = { ok: true; appendfsync: string } | { ok: false; snapshots: boolean; node?: string } | { ok: 'unknown'; reason: string };

interface NodeConfig {
  /** host:port on a cluster; undefined for the one server */
  node?: string;
  values: Record<string, string>;
}

/** CONFIG GET of each name on the server, or on each master of a cluster. */
async function configGet(target: RedisLike, names: string[]): Promise<NodeConfig[]> {
  const redis = connectRedis(target, { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const cluster = isCluster(target);
    const nodes = mastersOf(redis);
    if (nodes.length === 0) throw new Error('the cluster reports no master');
    return await Promise.all(
      nodes.map(async (node) => {
        const values: Record<string, string> = {};
        for (const name of names) {
          const reply = (await node.config('GET', name)) as string[];
          if (reply?.[1] !== undefined) values[name] = reply[1];
        }
        return { node: cluster ? formatNode({ host: node.options.host ?? '?', port: node.options.port ?? 0 }) : undefined, values };
      }),
    );
  } finally {
    redis.disconnect();
  }
}

export async function checkEvictionPolicy(redis: RedisLike): Promise<EvictionCheck> {
  try {
    const configs = await configGet(redis, ['maxmemory-policy']);
    for (const c of configs) {
      const policy = c.values['maxmemory-policy'];
      if (!policy) return { ok: 'unknown', reason: `CONFIG GET returned nothing${c.node ? ` on ${c.node}` : ''}` };
      if (policy !== 'noeviction') return { ok: false, policy, ...(c.node ? { node: c.node } : {}) };
    }
    return { ok: true };
  } catch (e) {
    // managed Redis often disables CONFIG
    return { ok: 'unknown', reason: (e as Error).message };
  }
}

export async function checkPersistence(redis: RedisLike): Promise<PersistenceCheck> {
  try {
    const configs = await configGet(redis, ['appendonly', 'appendfsync', 'save']);
    let appendfsync = 'everysec';
    for (const { node, values } of configs) {
      if (values.appendonly === undefined) return { ok: 'unknown', reason: `CONFIG GET returned nothing${node ? ` on ${node}` : ''}` };
      if (values.appendonly !== 'yes') return { ok: false, snapshots: Boolean(values.save?.trim()), ...(node ? { node } : {}) };
      appendfsync = values.appendfsync ?? appendfsync;
    }
    return { ok: true, appendfsync };
  } catch (e) {
    return { ok: 'unknown', reason: (e as Error).message };
  }
}

/** The start-up warning when Redis may lose accepted messages on a restart; null when it will not. */
export function persistenceWarning(check: PersistenceCheck): string | null {
  if (check.ok === true) return null;
  if (check.ok === 'unknown')
    return `Could not check Redis persistence (${check.reason}): make sure it runs with appendonly yes, or a restart of Redis loses queued messages.`;
  return (
    `WARNING: Redis${check.node ? ` (cluster master ${check.node})` : ''} runs without its append-only file (appendonly no` +
    (check.snapshots ? ', only periodic snapshots' : ', no persistence at all') +
    '). Customer messages that were accepted but not yet stored, and queued notifications, are LOST if Redis restarts. ' +
    'Reminders, SLA checks and digests are rebuilt from Postgres. Run Redis with appendonly yes (see README, "What is guaranteed").'
  );
}
