// Builds the Mini App's front end (miniapp/: Preact, bundled by Vite) into a folder, by
// default dist/miniapp: index.html plus content-hashed files under assets/, which the web
// role serves at /miniapp/ (bots/http/miniapp). scripts/build.mjs calls it with its scratch
// folder so the bundle lands with the rest of the build. Vite and Preact are dev
// dependencies: an install without them (--omit=dev) cannot build it, and says so.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { root } from './build-state.mjs';

export const miniappSource = path.join(root, 'miniapp');

/** Resolves to true once built, false when Vite is not installed. */
export async function buildMiniApp(outDir) {
  let vite;
  try {
    vite = await import('vite');
  } catch {
    return false;
  }
  await vite.build({
    root: miniappSource,
    base: './',
    configFile: false,
    logLevel: 'warn',
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    build: { outDir, emptyOutDir: true, target: 'es2020', assetsDir: 'assets', sourcemap: false, chunkSizeWarningLimit: 300 },
  });
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const out = process.argv[2] ? path.resolve(process.argv[2]) : path.join(root, 'dist', 'miniapp');
  if (!existsSync(miniappSource)) process.exit(0);
  const built = await buildMiniApp(out);
  process.stderr.write(built ? `leadline build: Mini App in ${out}\n` : 'leadline build: Vite is not installed; the Mini App is not built.\n');
  process.exit(built ? 0 : 1);
}
