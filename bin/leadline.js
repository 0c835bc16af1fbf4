#!/usr/bin/env node
// The `leadline` command. Runs the compiled build in dist/ (`npm run build`; `npm ci` and
// `npm start` build it when missing or stale) while it is up to date with the sources, and
// otherwise the TypeScript sources through tsx, so an edit is never run stale and a checkout
// without a build (or an install without TypeScript) still works, only slower to start.
import { freshBuild } from '../scripts/build-state.mjs';

const built = freshBuild();
if (built) {
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../bots/cli/main.ts');
}
