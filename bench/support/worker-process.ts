// A bench's worker process: a TypeScript script under bench/ run with tsx, ready once it
// prints "ready" on stdout (it fails if the process exits first); stopped with SIGTERM, then
// SIGKILL when it has not exited after `graceMs`.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export function startBenchWorker(script: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.resolve(import.meta.dirname, '..', script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`bench worker ${script} exited with ${code} before it was ready`)));
  });
}

export async function stopBenchWorker(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
