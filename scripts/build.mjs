#!/usr/bin/env node
// `npm run build`: compiles the sources to dist/ (tsconfig.build.json), which bin/leadline.js
// runs while it is up to date. `--if-stale` (postinstall, npm start) builds only when the
// sources changed since the last build. The compiler writes to a scratch folder that then
// replaces dist/ whole, so a command started meanwhile never loads a half-written build.
// The Mini App's front end (miniapp/) is bundled by Vite into dist/miniapp in the same step.
// Without TypeScript (an install with --omit=dev) there is nothing to build with: the
// command runs the sources through tsx instead, and this says so and succeeds.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { distDir, freshBuild, root, stampFile } from './build-state.mjs';
import { buildMiniApp } from './build-miniapp.mjs';

const ifStale = process.argv.includes('--if-stale');
if (ifStale && freshBuild()) process.exit(0);

const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc)) {
  process.stderr.write('leadline build: TypeScript is not installed (production install); commands run the sources through tsx.\n');
  process.exit(ifStale ? 0 : 1);
}

const started = new Date();
const scratch = path.join(root, `.dist-${process.pid}`);
process.stderr.write('leadline build: compiling to dist/ ...\n');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', scratch], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  rmSync(scratch, { recursive: true, force: true });
  process.stderr.write('leadline build: failed (see above); commands run the sources through tsx meanwhile.\n');
  process.exit(result.status ?? 1);
}
mkdirSync(scratch, { recursive: true });
// the Mini App's front end (miniapp/, Vite) into dist/miniapp, served by the web role at /miniapp/
try {
  if (!(await buildMiniApp(path.join(scratch, 'miniapp')))) process.stderr.write('leadline build: Vite is not installed; the Mini App is not built.\n');
} catch (err) {
  rmSync(scratch, { recursive: true, force: true });
  process.stderr.write(`leadline build: the Mini App failed to build: ${String(err)}\n`);
  process.exit(1);
}
// dated when the build started: a source saved during the build makes it stale again
const stamp = path.join(scratch, path.basename(stampFile));
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
const old = `${distDir}.old-${process.pid}`;
if (existsSync(distDir)) renameSync(distDir, old);
renameSync(scratch, distDir);
rmSync(old, { recursive: true, force: true });
process.stderr.write('leadline build: done.\n');
