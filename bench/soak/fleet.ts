// The soak's processes: each one the real `leadline start` (node bin/leadline.js, the build
// in dist/ when it is fresh) with LEADLINE_ROLES and its own settings. A slot keeps its role
// and HTTP port across restarts; `kill` is SIGKILL (no shutdown hook runs) followed by a
// restart. Output goes to one log file per slot; a slot is ready once the process printed
// its "Stop with Ctrl+C." line (everything of its role started) and, for web, answered
// /ready with 200.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';

export type Role = 'web' | 'worker' | 'watcher';

export interface SlotSpec {
  name: string;
  role: Role;
  env: Record<string, string>;
  /** HTTP_PORT of a web slot */
  port?: number;
}

export interface Slot extends SlotSpec {
  child?: ChildProcess;
  ready: boolean;
  starts: number;
  kills: number;
  /** exits we did not cause (a crash), with their code or signal */
  crashes: string[];
  log: WriteStream;
}

const READY_LINE = 'Stop with Ctrl+C.';

export class Fleet {
  readonly slots: Slot[];
  private stopping = false;

  constructor(
    specs: SlotSpec[],
    private readonly root: string,
    private readonly logDir: string,
    private readonly say: (line: string) => void,
  ) {
    this.slots = specs.map((s) => ({
      ...s,
      ready: false,
      starts: 0,
      kills: 0,
      crashes: [],
      log: createWriteStream(path.join(logDir, `${s.name}.log`), { flags: 'a' }),
    }));
  }

  logFile(slot: Slot): string {
    return path.join(this.logDir, `${slot.name}.log`);
  }

  /** Starts every slot; resolves once all are ready (or rejects after timeoutMs). */
  async startAll(timeoutMs: number): Promise<void> {
    await Promise.all(this.slots.map((s) => this.start(s, timeoutMs)));
  }

  /** Spawns the slot's process and waits until it is ready. */
  async start(slot: Slot, timeoutMs: number): Promise<void> {
    slot.ready = false;
    slot.starts++;
    const child = spawn(process.execPath, [path.join(this.root, 'bin', 'leadline.js'), 'start'], {
      cwd: this.root,
      env: { ...process.env, ...slot.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    slot.child = child;
    slot.log.write(`\n=== ${new Date().toISOString()} start #${slot.starts} pid ${child.pid}\n`);
    let out = '';
    const printed = new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        slot.log.write(d);
        if (out.length < 10_000) out += d.toString();
        if (out.includes(READY_LINE)) resolve();
      });
      child.stderr!.on('data', (d: Buffer) => slot.log.write(d));
      child.once('exit', (code, signal) => reject(new Error(`${slot.name} exited during start-up (${signal ?? code}); see ${this.logFile(slot)}`)));
    });
    child.once('exit', (code, signal) => {
      slot.log.write(`=== ${new Date().toISOString()} pid ${child.pid} exited (${signal ?? code})\n`);
      if (slot.child !== child) return;
      slot.ready = false;
      slot.child = undefined;
      // SIGKILL is ours (kill) and SIGTERM at the end; anything else is a crash worth reporting
      if (signal !== 'SIGKILL' && !this.stopping) {
        slot.crashes.push(`${signal ?? `exit code ${code}`} at ${new Date().toISOString()}`);
        this.say(`!! ${slot.name} (pid ${child.pid}) exited by itself (${signal ?? code}); restarting it. Log: ${this.logFile(slot)}`);
        void this.start(slot, timeoutMs).catch((e: Error) => this.say(`!! ${e.message}`));
      }
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${slot.name} was not ready within ${timeoutMs / 1000} s; see ${this.logFile(slot)}`)), timeoutMs);
    });
    try {
      await Promise.race([printed, timeout]);
      if (slot.role === 'web') await Promise.race([waitReady(`http://127.0.0.1:${slot.port}/ready`, () => slot.child !== child), timeout]);
    } finally {
      clearTimeout(timer);
    }
    if (slot.child === child) slot.ready = true;
  }

  /** SIGKILL, then a new process in the same slot after `restartAfterMs`. Resolves once it is ready again. */
  async killAndRestart(slot: Slot, restartAfterMs: number, timeoutMs: number): Promise<{ pid: number | undefined }> {
    const child = slot.child;
    const pid = child?.pid;
    if (child) {
      slot.ready = false;
      slot.kills++;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
    await new Promise((r) => setTimeout(r, restartAfterMs));
    if (!this.stopping) await this.start(slot, timeoutMs);
    return { pid };
  }

  /** SIGTERM to every process (a clean shutdown), SIGKILL to any still running after graceMs. */
  async stopAll(graceMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        const child = slot.child;
        if (child && child.exitCode === null && child.signalCode === null) {
          const gone = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await gone;
          clearTimeout(timer);
        }
        slot.ready = false;
        await new Promise<void>((r) => slot.log.end(r));
      }),
    );
  }

  ready(role: Role): Slot[] {
    return this.slots.filter((s) => s.role === role && s.ready);
  }

  count(role: Role): number {
    return this.slots.filter((s) => s.role === role).length;
  }
}

async function waitReady(url: string, gone: () => boolean): Promise<void> {
  for (;;) {
    if (gone()) throw new Error(`the process behind ${url} exited`);
    const ok = await fetch(url)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}
