// A real local Redis Cluster for the cluster tests: three masters (redis-server
// --cluster-enabled yes on spare ports, each in a temporary folder of its own), joined with
// `redis-cli --cluster create ... --cluster-replicas 0`. Start it once per test file
// (beforeAll) and stop it after (afterAll): the processes are killed and their folders removed.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RedisNode, RedisTarget } from '../../connectors/queue/connection.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);

export interface LocalRedisCluster {
  nodes: RedisNode[];
  /** what REDIS_CLUSTER_NODES would make of "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3" */
  target: RedisTarget;
  /** the REDIS_CLUSTER_NODES value */
  setting: string;
  stop(): Promise<void>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A port whose cluster bus port (+10000) is free as well, both below Linux's ephemeral range
 * (32768+) so that no other test's freePort() takes one between the check and redis-server.
 */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 21_000 + Math.floor(Math.random() * 1_700);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await portFree(port)) && (await portFree(port + 10_000))) {
      taken.add(port);
      taken.add(port + 10_000);
      return port;
    }
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 });
  return stdout;
}

export async function startRedisCluster(masters = 3): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'leadline-cluster-'));
  const children: ChildProcess[] = [];
  const taken = new Set<number>();
  const nodes: RedisNode[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await clusterPort(taken);
      const nodeDir = path.join(dir, String(port));
      mkdirSync(nodeDir); // a folder of its own for nodes.conf
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '2000',
          '--save',
          '',
          '--appendonly',
          'no',
          '--maxmemory-policy',
          'noeviction',
          '--dir',
          nodeDir,
        ],
        { stdio: 'ignore' },
      );
      children.push(child);
      nodes.push({ host: '127.0.0.1', port });
    }
    for (const n of nodes) await waitFor(async () => (await cli(n.port, 'ping').catch(() => '')).includes('PONG'), `redis-server on ${n.port}`, 10_000, 50);
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `${n.host}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], {
      timeout: 30_000,
    });
    // every node must agree the cluster is up (all 16384 slots served) before clients connect
    for (const n of nodes) {
      await waitFor(
        async () => (await cli(n.port, 'cluster', 'info').catch(() => '')).includes('cluster_state:ok'),
        `cluster_state:ok on ${n.port}`,
        15_000,
        50,
      );
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const setting = nodes.map((n) => `${n.host}:${n.port}`).join(',');
  return { nodes, target: { url: 'redis://127.0.0.1:6379', clusterNodes: nodes }, setting, stop };
}
