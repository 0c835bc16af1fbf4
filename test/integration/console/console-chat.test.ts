// The console channel end to end: two console sessions (customer, manager) on the real
// engine, outbound queue and Redis inboxes; buttons are pressed by typing their number.
import { describe, it, expect, inject, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDb, uniqueSlug } from '../../support/db.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { coreContext } from '../../../core/context.js';
import { systemClock } from '../../../core/ports.js';
import { RuleParser } from '../../../core/parse/parser.js';
import { MemoryClarifyStore } from '../../../core/chat/clarify-store.js';
import { queueSettings } from '../../../connectors/queue/connection.js';
import { startWorkers } from '../../../connectors/queue/workers.js';
import { createLogger } from '../../../connectors/logger.js';
import { SqlCustomerIntake } from '../../../connectors/db/intake/index.js';
import { ConsoleInbox, ConsoleSender } from '../../../bots/console/console-sender.js';
import { ConsoleSession } from '../../../bots/console/console-session.js';
import { consoleManager, consoleCustomerId } from '../../../bots/console/console-chat.js';
import { waitFor } from '../../support/wait.js';

const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c().catch(() => {});
});

describe('console chat', () => {
  it('customer and manager talk through console sessions; numbers press buttons', async () => {
    const db = testDb();
    const redisUrl = inject('redisUrl');
    const settings = queueSettings(redisUrl, `console-${randomUUID().slice(0, 8)}`);
    const ws = await ensureWorkspace(db, uniqueSlug('console'), { timezone: 'UTC', locale: 'en' });
    const user = await db.user.create({ data: { workspaceId: ws.id, name: 'Mary', role: 'manager', locale: 'en' } });
    const sender = new ConsoleSender(redisUrl, settings.prefix);
    closers.push(() => sender.close());
    const workers = await startWorkers({ ctx: coreContext(db), settings, senders: { console: sender }, logger: createLogger('silent'), reconcile: false });
    closers.push(() => workers.close());
    const deps = {
      db,
      clock: systemClock,
      outbox: workers.outbox,
      intake: new SqlCustomerIntake(db),
      defaultWorkspaceId: ws.id,
      scheduler: workers.scheduler,
      parser: new RuleParser(),
      clarify: new MemoryClarifyStore(),
    };

    const managerPerson = await consoleManager(db, ws, user.id);
    await expect(consoleManager(db, ws, 999_999_999)).rejects.toThrow(/No user #999999999/);
    const customerPerson = { externalId: consoleCustomerId('Ivan Petrov'), displayName: 'Ivan Petrov', languageCode: 'en' };
    expect(customerPerson.externalId).toBe('customer-ivan-petrov');
    const manager = new ConsoleSession(deps, managerPerson, ws.id);
    const customer = new ConsoleSession(deps, customerPerson, ws.id);
    const managerInbox = new ConsoleInbox(redisUrl, settings.prefix, managerPerson.externalId);
    const customerInbox = new ConsoleInbox(redisUrl, settings.prefix, customerPerson.externalId);
    closers.push(
      () => managerInbox.close(),
      () => customerInbox.close(),
    );

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
});
