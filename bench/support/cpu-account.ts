// CPU time spent by the parts of a bench, read from /proc (Linux): the Leadline processes it
// started (by pid), every Postgres process and every Redis server on the machine. A step's
// figure is the difference of two readings, so work done in between by other clients of the
// same servers counts too (a bench runs on an otherwise idle machine). A process that started
// between the readings counts in full (a pool's new connection); one that exited is left out
// (its time is gone with it). Elsewhere than Linux, or where
// /proc cannot be read, readings are empty and the figures print as "n/a".
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

export type CpuPart = 'leadline' | 'postgres' | 'redis';

/** CPU ms per process at one moment, and which part each belongs to. */
export interface CpuReading {
  at: number;
  byPid: Map<number, { part: CpuPart; ms: number }>;
}

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node supports

/** utime + stime in ms, and the command name, from /proc/<pid>/stat; undefined when gone */
function stat(pid: number): { comm: string; ms: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    // fields after "(comm)": state is [0], utime [11], stime [12]
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { comm: text.slice(open + 1, close), ms: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** Reads the CPU time of `leadlinePids` and of every postgres and redis-server process. */
export function readCpu(leadlinePids: Iterable<number>): CpuReading {
  const byPid = new Map<number, { part: CpuPart; ms: number }>();
  if (os.platform() !== 'linux') return { at: Date.now(), byPid };
  const ours = new Set(leadlinePids);
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return { at: Date.now(), byPid };
  }
  for (const pid of pids) {
    const s = stat(pid);
    if (!s) continue;
    const part: CpuPart | undefined = ours.has(pid) ? 'leadline' : s.comm === 'postgres' ? 'postgres' : s.comm.startsWith('redis-server') ? 'redis' : undefined;
    if (part) byPid.set(pid, { part, ms: s.ms });
  }
  return { at: Date.now(), byPid };
}

/** CPU ms per part between two readings. */
export function cpuBetween(a: CpuReading, b: CpuReading): Record<CpuPart, number> | undefined {
  if (a.byPid.size === 0 || b.byPid.size === 0) return undefined;
  const out: Record<CpuPart, number> = { leadline: 0, postgres: 0, redis: 0 };
  for (const [pid, later] of b.byPid) {
    const earlier = a.byPid.get(pid)?.ms ?? 0;
    out[later.part] += Math.max(0, later.ms - earlier);
  }
  return out;
}
