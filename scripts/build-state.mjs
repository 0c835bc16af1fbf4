// Whether dist/ (the `npm run build` output) is up to date with the TypeScript sources.
// bin/leadline.js asks before every command, so this is a few hundred stat calls, no more:
// the build is fresh when its stamp (written by scripts/build.mjs, dated when that build
// started) is newer than every source file and the compiler settings.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const distDir = path.join(root, 'dist');
export const stampFile = path.join(distDir, '.build-stamp');
export const builtMain = path.join(distDir, 'bots', 'cli', 'main.js');

/** What the build compiles (tsconfig.build.json's "include", the Mini App) and what shapes it. */
const SOURCE_DIRS = ['bots', 'core', 'connectors', path.join('prisma', 'generated'), 'miniapp'];
/** Source files by their ending (the Mini App adds its JSX, styles and page). */
const SOURCE_FILE = /\.(ts|tsx|css|html)$/;
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** The newest modification time under a folder (files and folders: a deleted file touches its folder). */
function newestIn(dir) {
  let newest = mtime(dir);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestIn(full));
    else if (SOURCE_FILE.test(e.name)) newest = Math.max(newest, mtime(full));
  }
  return newest;
}

/** The built entry point when the build is up to date, else null. */
export function freshBuild() {
  const stamp = mtime(stampFile);
  if (stamp < 0 || mtime(builtMain) < 0) return null;
  for (const f of SOURCE_FILES) if (mtime(path.join(root, f)) > stamp) return null;
  for (const d of SOURCE_DIRS) if (newestIn(path.join(root, d)) > stamp) return null;
  return builtMain;
}
