// npm run bench:cli — how long the `leadline` command takes to start, as npx runs it
// (node bin/leadline.js), for `--help` and for `parse` (no database), beside the baseline
// measured in the same run: `node -e 0`, a Node.js process that does nothing. Runs are
// interleaved so machine load hits all three alike; prints the median of each and the
// ratio. Goal: each <= 4 x the baseline. Builds dist/ first when it is missing or stale
// (the command would otherwise run the sources through tsx). BENCH_RUNS sets the runs (default 9).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
// @ts-expect-error plain JavaScript module without types
import { freshBuild, root } from '../scripts/build-state.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const GOAL = 4;

if (!(freshBuild as () => string | null)()) {
  const built = spawnSync(process.execPath, [path.join(root as string, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
}

const bin = path.join(root as string, 'bin', 'leadline.js');
const cases: Array<{ name: string; args: string[] }> = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'leadline --help', args: [bin, '--help'] },
  { name: 'leadline parse "remind me tomorrow at 10 to call Ivan"', args: [bin, 'parse', 'remind me tomorrow at 10 to call Ivan'] },
];

function once(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root as string, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const times = cases.map(() => [] as number[]);
once(cases[1]!.args); // warm the file cache
for (let i = 0; i < RUNS; i++) cases.forEach((c, j) => times[j]!.push(once(c.args)));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(times[0]!);
console.log(`runs: ${RUNS} each, interleaved; median start-to-exit time`);
let ok = true;
cases.forEach((c, j) => {
  const m = median(times[j]!);
  const ratio = m / base;
  if (j > 0 && ratio > GOAL) ok = false;
  console.log(`${c.name.padEnd(60)} ${m.toFixed(0).padStart(6)} ms  ${j === 0 ? 'baseline' : `${ratio.toFixed(2)} x baseline`}`);
});
console.log(`goal: <= ${GOAL} x baseline: ${ok ? 'met' : 'NOT met'}`);
