// The command table: every manager command with its English and Russian aliases.
import type { Command } from './command.js';
import { startCommands } from './start.js';
import { leadCommands } from './leads.js';
import { dealCommands } from './deals.js';
import { taskCommands } from './tasks.js';
import { contactCommands } from './contacts.js';
import { settingsCommands } from './settings.js';
import { aiCommands } from '../ai/commands.js';
import { teamCommands } from './team.js';
import { pipelineCommands } from './pipelines.js';
import { ruleCommands } from './rules.js';

export const COMMANDS: Command[] = [
  ...startCommands,
  ...leadCommands,
  ...dealCommands,
  ...taskCommands,
  ...contactCommands,
  ...settingsCommands,
  ...teamCommands,
  ...aiCommands,
  ...pipelineCommands,
  ...ruleCommands,
];

const byName = new Map<string, Command>();
for (const c of COMMANDS) for (const n of c.names) byName.set(n, c);

/** "/Leads@LeadlineBot mine" -> { name: "leads", args: "mine" }; null when not a command. */
export function parseCommand(text: string): { name: string; args: string } | null {
  const m = /^\/([\p{L}\d_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/u.exec(text.trim());
  if (!m) return null;
  return { name: m[1]!.toLowerCase(), args: (m[2] ?? '').trim() };
}

export function findCommand(name: string): Command | undefined {
  return byName.get(name);
}
