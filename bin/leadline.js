#!/usr/bin/env node
// The `leadline` command. Runs the TypeScript sources through tsx, so `npx leadline`
// works straight after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../bots/cli/main.ts');
