import { describe, it, expect } from 'vitest';
import { testDb } from '../../support/db.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { systemActor } from '../../../core/actor.js';
import { findOrCreateContact } from '../../../core/contacts/find-or-create-contact.js';
import { mergeContacts, undoMerge } from '../../../core/contacts/merge-contacts.js';
import { makeWorkspace } from './contacts-support.js';

const db = testDb();
const ctx = dbContext(db);

describe('merging keeps what both records knew', () => {
  it('joins tags, fills missing custom fields, keeps an opt-out; undo puts the kept record back as it was', async () => {
    const ws = await makeWorkspace(db);
    const sys = systemActor(ws);
    const keep = (await findOrCreateContact(ctx, sys, { email: 'keep@merge-tags.test', name: 'Keep' })).contact;
    const other = (await findOrCreateContact(ctx, sys, { email: 'other@merge-tags.test', name: 'Other' })).contact;
    const optedOut = new Date('2026-11-01T10:00:00Z');
    await db.contact.update({ where: { id: keep.id }, data: { tags: ['vip', 'wholesale'], fields: { INN: '7701', Source: 'fair' } } });
    await db.contact.update({
      where: { id: other.id },
      data: { tags: ['wholesale', 'partner'], fields: { Source: 'site', Birthday: '1 May' }, mailingOptOutAt: optedOut },
    });

    const result = await mergeContacts(ctx, sys, keep.id, other.id);
    const merged = await db.contact.findUniqueOrThrow({ where: { id: keep.id } });
    expect([...merged.tags].sort()).toEqual(['partner', 'vip', 'wholesale']);
    expect(merged.fields).toEqual({ INN: '7701', Source: 'fair', Birthday: '1 May' });
    expect(merged.mailingOptOutAt?.toISOString()).toBe(optedOut.toISOString());

    await undoMerge(ctx, sys, result.merge.id);
    const restored = await db.contact.findUniqueOrThrow({ where: { id: keep.id } });
    expect(restored.tags).toEqual(['vip', 'wholesale']);
    expect(restored.fields).toEqual({ INN: '7701', Source: 'fair' });
    expect(restored.mailingOptOutAt).toBeNull();
    expect((await db.contact.findUniqueOrThrow({ where: { id: other.id } })).mergedIntoId).toBeNull();
  });
});
