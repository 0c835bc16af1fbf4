// The console channel end to end: two console sessions (customer, manager) on the real
// engine, outbound queue and Redis inboxes; buttons are pressed by typing their number.
import { describe, it, expect, inject, afterAll } from 'vitest';
import { testDb, uniqueSlug } from '../../support/db.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { dbContext, sqlStores } from '../../../connectors/db/stores/index.js';
import { systemClock } from '../../../core/ports.js';
import { RuleParser } from '../../../core/parse/parser.js';
import { MemoryClarifyStore } from '../../../core/chat/clarify-store.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { startWorkers } from '../../../connectors/queue/workers.js';
import { createLogger } from '../../../connectors/logger.js';
import { SqlCustomerIntake } from '../../../connectors/db/intake/index.js';
import { ConsoleInbox, ConsoleSender } from '../../../bots/console/console-sender.js';
import { ConsoleSession, type ConsolePerson } from '../../../bots/console/console-session.js';
import { consoleManager, consoleCustomerId } from '../../../bots/console/console-chat.js';
import { waitFor } from '../../support/wait.js';
import { testPrefix } from '../../support/redis-keys.js';

const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c().catch(() => {});
});

/** A workspace with manager Mary, the real outbound worker delivering to console inboxes, and sessions on the engine. */
async function consoleSetup() {
  const db = testDb();
  const redisUrl = inject('redisUrl');
  const settings = queueSettings(redisUrl, testPrefix('console'));
  const ws = await ensureWorkspace(db, uniqueSlug('console'), { timezone: 'UTC', locale: 'en' });
  const user = await db.user.create({ data: { workspaceId: ws.id, name: 'Mary', role: 'manager', locale: 'en' } });
  const sender = new ConsoleSender(redisUrl, settings.prefix);
  closers.push(() => sender.close());
  const workers = await startWorkers({ ctx: dbContext(db), settings, senders: { console: sender }, logger: createLogger('silent'), reconcile: false });
  closers.push(() => workers.close());
  const deps = {
    db,
    clock: systemClock,
    outbox: workers.outbox,
    intake: new SqlCustomerIntake(db),
    stores: sqlStores,
    defaultWorkspaceId: ws.id,
    scheduler: workers.scheduler,
    parser: new RuleParser(),
    clarify: new MemoryClarifyStore(),
  };
  const managerPerson = await consoleManager(db, ws, user.id);
  const session = (person: ConsolePerson) => {
    const inbox = new ConsoleInbox(redisUrl, settings.prefix, person.externalId);
    closers.push(() => inbox.close());
    return { session: new ConsoleSession(deps, person, ws.id), inbox };
  };
  return { db, ws, user, settings, deps, managerPerson, session };
}

describe('console chat', () => {
  it('customer and manager talk through console sessions; numbers press buttons', async () => {
    const { db, ws, managerPerson, session } = await consoleSetup();
    await expect(consoleManager(db, ws, 999_999_999)).rejects.toThrow(/No user #999999999/);
    const customerPerson = { externalId: consoleCustomerId('Ivan Petrov'), displayName: 'Ivan Petrov', languageCode: 'en' };
    expect(customerPerson.externalId).toBe('customer-ivan-petrov');
    const { session: manager, inbox: managerInbox } = session(managerPerson);
    const { session: customer, inbox: customerInbox } = session(customerPerson);

    expect(await customer.type('/leads')).toBe('');
    const ack = await waitFor(() => customerInbox.next(1), 'acknowledgement');
    expect(ack.text).toContain('Thank you!');
    const lead = await db.lead.findFirstOrThrow({ where: { workspaceId: ws.id } });
    expect(lead.source).toBe('console');

    const pushed = await waitFor(() => managerInbox.next(1), 'notification');
    const shown = manager.renderPushed(pushed);
    expect(shown).toContain(`New lead #${lead.id} from Ivan Petrov (console)`);
    expect(shown).toContain('1) Reply');
    expect(shown).toContain('2) Take');
    expect(shown).toContain('5) Remind me');
    expect(await manager.type('2')).toBe(`Lead #${lead.id} is yours now.`);

    expect(await manager.type(`/reply ${lead.id} Hello Ivan, how can I help?`)).toBe('Sent to Ivan Petrov:\nHello Ivan, how can I help?');
    const answer = await waitFor(() => customerInbox.next(1), 'relayed answer');
    expect(answer.text).toBe('Hello Ivan, how can I help?');
    const out = await waitFor(
      () => db.message.findFirst({ where: { workspaceId: ws.id, direction: 'outbound', deliveryStatus: 'sent' } }),
      'delivered outbound message',
    );
    expect(out.channel).toBe('console');
  });

  it('Reply on a notification, then text: the text goes to the customer, as a reply in a Telegram or Slack thread would (issue 20)', async () => {
    const c = await consoleSetup();
    const customer = c.session({ externalId: consoleCustomerId('Olga Petrova'), displayName: 'Olga Petrova', languageCode: 'en' });
    const manager = c.session(c.managerPerson);

    await customer.session.type('How much are 20 seats?');
    await waitFor(() => customer.inbox.next(1), 'acknowledgement');
    const lead = await c.db.lead.findFirstOrThrow({ where: { workspaceId: c.ws.id } });
    const notification = manager.session.renderPushed(await waitFor(() => manager.inbox.next(1), 'notification'));
    expect(notification).toContain('1) Reply');
    expect(manager.session.prompt).toBe('> ');

    // Reply: the prompt is pushed, and it asks for the answer
    expect(await manager.session.type('1')).toBe('');
    const ask = await waitFor(() => manager.inbox.next(1), 'reply prompt');
    expect(ask.asksForReply).toBe(true);
    expect(manager.session.renderPushed(ask)).toBe(`[${ask.id}] Reply to this message with your answer to Olga Petrova (lead #${lead.id}).`);
    expect(manager.session.prompt).toBe(`↩ [${ask.id}]> `);

    // the next line is the answer
    expect(await manager.session.type('1700 per year, Olga')).toBe('Sent to Olga Petrova:\n1700 per year, Olga');
    expect(manager.session.prompt).toBe('> ');
    const answer = await waitFor(() => customer.inbox.next(1), 'relayed answer');
    expect(answer.text).toBe('1700 per year, Olga');
    const stored = await waitFor(
      () => c.db.message.findFirst({ where: { workspaceId: c.ws.id, direction: 'outbound', deliveryStatus: 'sent', text: '1700 per year, Olga' } }),
      'the answer delivered',
    );
    expect(stored.conversationId).toBe(lead.conversationId);
    // the first response is marked right after the delivery is recorded (a statement of its own)
    await waitFor(() => c.db.lead.findFirst({ where: { id: lead.id, firstResponseAt: { not: null } } }), 'the first response marked');

    // the reply is one line: free text after it is the manager's own again
    expect(await manager.session.type('hello?')).toMatch(/^I did not understand that\./);

    // while a reply is open a number is text, not a button
    await manager.session.type('1');
    manager.session.renderPushed(await waitFor(() => manager.inbox.next(1), 'second prompt'));
    expect(await manager.session.type('25')).toBe('Sent to Olga Petrova:\n25');
    expect((await waitFor(() => customer.inbox.next(1), 'the number')).text).toBe('25');

    // an empty line closes an open reply without sending anything
    await manager.session.type('1');
    manager.session.renderPushed(await waitFor(() => manager.inbox.next(1), 'third prompt'));
    expect(manager.session.prompt).toMatch(/^↩ /);
    expect(await manager.session.type('   ')).toBe('');
    expect(manager.session.prompt).toBe('> ');
    expect(await manager.session.type('/leads mine')).toContain(`#${lead.id} Olga Petrova`);
    const sent = await c.db.message.findMany({ where: { conversationId: lead.conversationId!, direction: 'outbound' }, orderBy: { id: 'asc' } });
    expect(sent.map((m) => m.text)).toEqual(['1700 per year, Olga', '25']);
  });
});
