// The SLA alert's buttons (issue 20.4): Reassign hands the lead to the next one on duty other
// than its assignee, falling back to on-duty heads and admins as the round robin does.
import { describe, it, expect } from 'vitest';
import { chatFixture, nextId } from './chat-fixture.js';

const texts = (r: { text: string }[]) => r.map((x) => x.text).join('\n');

describe('SLA alert: Reassign', () => {
  it('goes to an on-duty admin when the assignee is the only manager on duty; says so when nobody else is', async () => {
    const f = await chatFixture('en');
    const admin = await f.db.user.create({ data: { workspaceId: f.ws.id, name: 'Alice', role: 'admin', locale: 'en' } });
    const adminTg = nextId();
    await f.db.identity.create({
      data: { workspaceId: f.ws.id, channel: 'telegram', externalId: adminTg, chatId: adminTg, userId: admin.id, languageCode: 'en' },
    });
    await f.send(f.msg({ id: nextId(), name: 'Ivan' }, 'I want to buy'));
    f.outbox.take();
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    expect(lead.assigneeId).toBe(f.manager.id);

    expect(texts(await f.press(`sla:reassign:${lead.id}`))).toBe(`Lead #${lead.id} reassigned to Alice.`);
    expect((await f.db.lead.findUniqueOrThrow({ where: { id: lead.id } })).assigneeId).toBe(admin.id);
    const told = f.outbox.take().filter((i) => i.ref?.userId === admin.id && i.text.includes('was reassigned to you'));
    expect(told).toHaveLength(1);

    // the admin hands it back to the manager on duty
    const asAdmin = (data: string) => f.send(f.msg({ id: adminTg, name: 'Alice', lang: 'en' }, '', { callbackData: data }));
    expect(texts(await asAdmin(`sla:reassign:${lead.id}`))).toBe(`Lead #${lead.id} reassigned to Mary.`);
    expect((await f.db.lead.findUniqueOrThrow({ where: { id: lead.id } })).assigneeId).toBe(f.manager.id);

    // nobody else on duty: said plainly, the lead stays where it is
    await f.db.user.update({ where: { id: admin.id }, data: { onDuty: false } });
    expect(texts(await f.press(`sla:reassign:${lead.id}`))).toBe('Nobody else is on duty to take the lead: put a colleague on duty or assign it yourself.');
    expect((await f.db.lead.findUniqueOrThrow({ where: { id: lead.id } })).assigneeId).toBe(f.manager.id);
  });
});
