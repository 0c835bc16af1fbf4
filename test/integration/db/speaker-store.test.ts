// Who wrote a message (connectors/db/stores/speakers.ts): the identity and its linked member in
// one statement through the pg pool must read exactly as Prisma's findUnique with the user
// included: every column, the times as the same instants, enums as their names.
import { describe, it, expect } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDb } from '../../support/db.js';
import { sqlSpeakerStore } from '../../../connectors/db/stores/speakers.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';

describe('the speaker store', () => {
  it("reads a member's identity, a customer's and none as Prisma does", async () => {
    const db = testDb();
    const ws = await ensureWorkspace(db, `speaker-${randomUUID().slice(0, 8)}`, { timezone: 'Asia/Yekaterinburg', locale: 'ru' });
    const user = await db.user.create({
      data: {
        workspaceId: ws.id,
        name: 'Мария',
        role: 'manager',
        locale: 'ru',
        vacationUntil: new Date('2026-12-24T18:30:00.250Z'),
        lastAssignedAt: new Date('2026-12-01T07:00:00.001Z'),
      },
    });
    const tg = randomUUID();
    await db.identity.create({
      data: { workspaceId: ws.id, channel: 'telegram', externalId: tg, chatId: tg, userId: user.id, languageCode: 'ru', username: 'maria' },
    });
    const email = `${randomUUID()}@example.com`;
    const contact = await db.contact.create({ data: { workspaceId: ws.id, name: 'Buyer', nameKey: 'buyer' } });
    await db.identity.create({ data: { workspaceId: ws.id, channel: 'email', externalId: email, chatId: email, contactId: contact.id } });

    for (const [channel, externalId] of [
      ['telegram', tg],
      ['email', email],
      ['telegram', 'nobody'],
    ] as const) {
      const viaPrisma = await db.identity.findUnique({
        where: { workspaceId_channel_externalId: { workspaceId: ws.id, channel, externalId } },
        include: { user: true },
      });
      expect(await sqlSpeakerStore.identityWithUser(db, { workspaceId: ws.id, channel, externalId })).toEqual(viaPrisma);
    }
    const member = await sqlSpeakerStore.identityWithUser(db, { workspaceId: ws.id, channel: 'telegram', externalId: tg });
    expect(member!.user!.vacationUntil).toEqual(new Date('2026-12-24T18:30:00.250Z'));
  });
});
