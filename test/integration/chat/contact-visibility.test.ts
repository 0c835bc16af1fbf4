// Imported contacts are the team's shared address book (issue 20.5): a manager finds them as an
// admin does, while a contact a colleague works with stays the colleague's.
import { describe, it, expect } from 'vitest';
import { chatFixture, nextId } from './chat-fixture.js';
import { importContacts } from '../../../core/contacts/import/import-contacts.js';
import { systemActor } from '../../../core/actor.js';

const texts = (r: { text: string }[]) => r.map((x) => x.text).join('\n');

describe('contact visibility', () => {
  it("a manager's /contact finds imported contacts nobody owns, not a colleague's customer", async () => {
    const f = await chatFixture('ru');
    const records = [
      { line: 1, cells: ['Имя', 'Почта'] },
      { line: 2, cells: ['Пётр Иванов', `petr.${nextId()}@example.com`] },
    ];
    const report = await importContacts(f.deps, systemActor(f.ws), records);
    expect(report.created).toBe(1);

    // a colleague's customer with the same first name
    const colleague = await f.db.user.create({ data: { workspaceId: f.ws.id, name: 'Борис', role: 'manager', locale: 'ru', onDuty: false } });
    const theirs = await f.db.contact.create({ data: { workspaceId: f.ws.id, name: 'Пётр Сидоров', nameKey: 'пётр сидоров' } });
    await f.db.lead.create({ data: { workspaceId: f.ws.id, contactId: theirs.id, assigneeId: colleague.id, title: 'Сидоров', source: 'telegram' } });

    const found = texts(await f.asManager('/contact Пётр'));
    expect(found).toContain('Пётр Иванов');
    expect(found).not.toContain('Сидоров');
  });
});
