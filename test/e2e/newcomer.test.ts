// A newcomer's first hour, scripted (issue 20): the real binary (node bin/leadline.js, as npx
// runs it) against the test database, a team member added with `leadline user add`, then two
// `leadline chat` terminals, a customer and the manager, driven through their stdin like a
// person typing: the lead notification, Reply then the answer, a deal with an amount, stage
// moves, won, reminders in English and Russian, /digest with its figures, /lang ru. Nothing the
// engine or pg prints on stderr may reach the screen (the pg DeprecationWarning once did).
import { afterAll, describe, expect, inject, it } from 'vitest';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { testDb, uniqueSlug } from '../support/db.js';
import { testPrefix } from '../support/redis-keys.js';
import { Terminal } from '../support/terminal.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const db = testDb();
const slug = uniqueSlug('newcomer');
const env = {
  ...process.env,
  DATABASE_URL: inject('databaseUrl'),
  REDIS_URL: inject('redisUrl'),
  QUEUE_PREFIX: testPrefix('newcomer'),
  DEFAULT_WORKSPACE: slug,
  DEFAULT_TIMEZONE: 'Europe/Moscow',
};
const terminals: Terminal[] = [];
afterAll(async () => {
  for (const t of terminals) await t.close(5_000).catch(() => undefined);
});

function chat(name: string, ...args: string[]): Terminal {
  const t = new Terminal(name, ['bin/leadline.js', 'chat', ...args], env, root);
  terminals.push(t);
  return t;
}

/** the number a button is pressed with, from its "  N) Label" line on screen */
async function button(t: Terminal, label: string): Promise<string> {
  return (await t.expect(new RegExp(`^ {2}(\\d+)\\) ${label}$`, 'm')))[1]!;
}

describe('a newcomer in the terminal chat', { timeout: 300_000 }, () => {
  it('customer and manager: lead, Reply, deal with amount, stages, won, reminders en/ru, /digest, /lang ru', async () => {
    const added = await run(process.execPath, ['bin/leadline.js', 'user', 'add', '--name', 'Anna', '--role', 'manager', '--json'], {
      cwd: root,
      env,
      timeout: 120_000,
    });
    const anna = JSON.parse(added.stdout) as { id: number };

    const manager = chat('manager', '--as', 'manager', '--user', String(anna.id));
    await manager.expect(/you are Anna \(user-\d+\)\.\n/, 120_000);
    await manager.expect(/^> /m);
    const customer = chat('customer', '--as', 'customer', '--name', 'Ivan Petrov');
    await customer.expect(/you are Ivan Petrov \(customer-ivan-petrov\)\.\n/, 120_000);
    await customer.expect(/^> /m);

    // the customer writes; the manager gets the lead with its buttons
    customer.type('Hello! We need 20 licenses for our sales team.');
    await customer.expect(/Thank you! We have received your message/);
    const lead = await db.lead.findFirstOrThrow({ where: { workspace: { slug } }, include: { contact: true } });
    expect(lead.contact.name).toBe('Ivan Petrov');
    await manager.expect(new RegExp(`New lead #${lead.id} from Ivan Petrov \\(console\\):\\nHello! We need 20 licenses for our sales team\\.`));
    const reply = await button(manager, 'Reply');

    // the day so far, with its figures
    manager.type('/digest');
    await manager.expect(/Your day, \w{3}, \w+ \d{1,2}\n/);
    await manager.expect(new RegExp(`New leads: 1 lead\\n.*#${lead.id} Hello! We need 20 licenses for our sales team\\. \\(console, \\d{2}:\\d{2}\\)`));

    // Reply, then the answer as the next line: it reaches the customer
    manager.type(reply);
    await manager.expect(new RegExp(`Reply to this message with your answer to Ivan Petrov \\(lead #${lead.id}\\)\\.`));
    await manager.expect(/↩ \[\d+\]> /);
    manager.type('Hi Ivan, 20 licenses are 1,700,000 RUB a year.');
    await manager.expect(/Sent to Ivan Petrov:\nHi Ivan, 20 licenses are 1,700,000 RUB a year\./);
    await customer.expect(/\] Hi Ivan, 20 licenses are 1,700,000 RUB a year\./);

    // a deal with its amount, moved through the stages, won
    manager.type(`/deal ${lead.id} 1700000 RUB`);
    const created = await manager.expect(/Deal #(\d+) "([^"]+)" created, (RUB|₽)\s?1,700,000\.00 in stage New\./);
    const dealId = created[1]!;
    manager.type(`/stage ${dealId} proposal`);
    await manager.expect(new RegExp(`Deal #${dealId} "[^"]+" moved to Proposal\\.`));
    manager.type(`/stage ${dealId} negotiation`);
    await manager.expect(new RegExp(`Deal #${dealId} "[^"]+" moved to Negotiation\\.`));
    manager.type(`/won ${dealId}`);
    await manager.expect(new RegExp(`Deal #${dealId} "[^"]+" won, (RUB|₽)\\s?1,700,000\\.00\\. Congratulations!`));
    const deal = await db.deal.findUniqueOrThrow({ where: { id: Number(dealId) }, include: { stage: true } });
    expect([deal.amount?.toFixed(2), deal.currency, deal.stage.kind]).toEqual(['1700000.00', 'RUB', 'won']);

    // a reminder in English
    manager.type('remind me tomorrow at 10 to call Ivan');
    const en = await manager.expect(/Reminder #(\d+) set: call Ivan — \w{3}, \w{3} \d{1,2}, 10:00\./);

    // Russian from now on: a reminder, the customer's next request, the digest
    manager.type('/lang ru');
    await manager.expect(/Язык: русский\./);
    manager.type('напомни послезавтра в 11 отправить КП Ивану');
    const ru = await manager.expect(/Напоминание #(\d+): отправить КП Ивану — [а-я]{2}, \d{1,2} [а-я]+\.?, 11:00\./);
    // (the customer's process composes this notice; it knows Anna's language from a recipient
    // cache of at most 5 s, core/chat/recipients.ts, so right after /lang it may still be English)
    customer.type('Спасибо! Нужно ещё 5 лицензий для филиала.');
    await manager.expect(
      /(Новый лид #\d+, клиент: Ivan Petrov \(консоль\)|New lead #\d+ from Ivan Petrov \(console\)):\nСпасибо! Нужно ещё 5 лицензий для филиала\./,
    );
    await button(manager, '(Ответить|Reply)');
    manager.type('/digest');
    await manager.expect(/Ваш день, [а-я]{2}, \d{1,2} [а-я]+\n/);
    await manager.expect(/Новые лиды: 1 лид\n.*#\d+ Спасибо! Нужно ещё 5 лицензий для филиала\. \(консоль, \d{2}:\d{2}\)/);

    const tasks = await db.task.findMany({ where: { id: { in: [Number(en[1]), Number(ru[1])] } }, orderBy: { id: 'asc' } });
    expect(tasks.map((t) => [t.title, t.status])).toEqual([
      ['call Ivan', 'open'],
      ['отправить КП Ивану', 'open'],
    ]);
    expect(tasks[1]!.dueAt.getTime() - tasks[0]!.dueAt.getTime()).toBe(25 * 3600_000);

    // both leave with Ctrl+D; nothing but the chat was on their screens
    expect(await manager.close()).toBe(0);
    expect(await customer.close()).toBe(0);
    for (const t of [manager, customer]) {
      expect(t.stderr, `${t.name}'s stderr`).not.toMatch(/DeprecationWarning|Warning|Error/);
      expect(t.output, `${t.name}'s screen`).not.toMatch(/DeprecationWarning|not understand/);
    }
  });
});
