// `leadline chat`: a terminal chat on the same engine as Telegram. It runs the outbound
// worker in-process (so it works with nothing but Postgres and Redis) and prints messages
// pushed to this console identity as they arrive.
import { SqlCustomerIntake } from '../../connectors/db/intake/index.js';
import readline from 'node:readline';
import type { Db } from '../../core/db.js';
import type { Workspace } from '../../prisma/generated/client.js';
import { dbContext, sqlStores } from '../../connectors/db/stores/index.js';
import { systemClock } from '../../core/ports.js';
import type { ChatDeps } from '../../core/chat/turn.js';
import { RuleParser } from '../../core/parse/parser.js';
import { resolveLocale } from '../../core/i18n/index.js';
import { queueSettings, redisTargetOf } from '../../connectors/queue/connection.js';
import { startWorkers } from '../../connectors/queue/workers.js';
import { RedisClarifyStore } from '../../connectors/queue/redis-clarify-store.js';
import type { Config } from '../../connectors/config.js';
import { createLogger } from '../../connectors/logger.js';
import { ConsoleInbox, ConsoleSender } from './console-sender.js';
import { ConsoleSession, type ConsolePerson } from './console-session.js';
import { buildSenders } from '../senders.js';

export class ConsoleUsageError extends Error {}

export function consoleCustomerId(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '');
  if (!slug) throw new ConsoleUsageError('--name must contain letters or digits');
  return `customer-${slug}`;
}

/** The console identity of a team member, linked directly (the operator at this terminal has the database). */
export async function consoleManager(db: Db, ws: Workspace, userId: number): Promise<ConsolePerson> {
  const user = await db.user.findFirst({ where: { id: userId, workspaceId: ws.id } });
  if (!user) throw new ConsoleUsageError(`No user #${userId} in workspace "${ws.slug}". List them with "leadline users", add one with "leadline user add".`);
  if (!user.active) throw new ConsoleUsageError(`User #${userId} (${user.name}) is deactivated.`);
  const externalId = `user-${user.id}`;
  await db.identity.upsert({
    where: { workspaceId_channel_externalId: { workspaceId: ws.id, channel: 'console', externalId } },
    create: { workspaceId: ws.id, channel: 'console', externalId, chatId: externalId, userId: user.id, displayName: user.name },
    update: { chatId: externalId, userId: user.id, unreachable: false, unreachableReason: null },
  });
  return { externalId, displayName: user.name, languageCode: resolveLocale(user.locale, ws.locale), member: true };
}

export interface ConsoleChatOptions {
  config: Config;
  db: Db;
  workspace: Workspace;
  person: ConsolePerson;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

export async function runConsoleChat(opts: ConsoleChatOptions): Promise<void> {
  const { config, db, workspace, person } = opts;
  const out = opts.output ?? process.stdout;
  const settings = queueSettings(redisTargetOf(config), config.QUEUE_PREFIX);
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const consoleSender = new ConsoleSender(settings.redis, settings.prefix);
  const senders = { ...buildSenders(config), console: consoleSender };
  const workers = await startWorkers({ ctx: dbContext(db), settings, senders, logger, reconcile: false });
  const clarify = new RedisClarifyStore(settings.redis, settings.prefix);
  const deps: ChatDeps = {
    db,
    clock: systemClock,
    outbox: workers.outbox,
    intake: new SqlCustomerIntake(db),
    stores: sqlStores,
    defaultWorkspaceId: workspace.id,
    scheduler: workers.scheduler,
    parser: new RuleParser(),
    clarify,
  };
  const session = new ConsoleSession(deps, person, workspace.id);
  const inbox = new ConsoleInbox(settings.redis, settings.prefix, person.externalId);
  const rl = readline.createInterface({ input: opts.input ?? process.stdin, output: out, terminal: Boolean((out as { isTTY?: boolean }).isTTY) });
  const prompt = () => {
    rl.setPrompt(session.prompt);
    rl.prompt(true);
  };
  const print = (text: string) => {
    if (!text) return;
    out.write(`\n${text}\n`);
    prompt();
  };

  let running = true;
  const reading = (async () => {
    while (running) {
      const env = await inbox.next(1);
      if (env) print(session.renderPushed(env));
    }
  })();

  out.write(`Leadline console chat — workspace "${workspace.slug}", you are ${person.displayName} (${person.externalId}).\n`);
  out.write('Type a message and press Enter; type a number to press a button; /help lists commands; Ctrl+D or /quit to leave.\n');
  if (person.member) out.write('After Reply (the prompt shows ↩ [N]>) your next line goes to the customer; an empty line cancels.\n');
  prompt();
  let queue = Promise.resolve();
  await new Promise<void>((resolve) => {
    rl.on('line', (line) => {
      if (line.trim() === '/quit' || line.trim() === '/exit') return rl.close();
      queue = queue.then(async () => {
        try {
          print(await session.type(line));
        } catch (e) {
          print(`error: ${(e as Error).message}`);
        }
        prompt();
      });
    });
    rl.on('close', () => resolve());
  });
  await queue;
  running = false;
  await inbox.close();
  await reading;
  await workers.close();
  await clarify.close();
  await consoleSender.close();
  await settings.close();
}
