import { describe, it, expect } from 'vitest';
import { testDb } from '../../support/db.js';
import { makeTeam, rejection } from '../../support/team.js';
import { setBusinessHours } from '../../../core/workspaces/business-hours-setting.js';
import { firstResponseDueAt } from '../../../core/leads/first-response-due.js';

const db = testDb();

describe('setting business hours', () => {
  it('stores the normalised value, audited, and the SLA deadline follows it', async () => {
    const { ctx, actors, workspaceId } = await makeTeam(db, { members: [{ name: 'Ada', role: 'admin' }] });
    const ws = await setBusinessHours(ctx, actors[0]!, { days: [5, 1, 2, 3, 4], start: '9', end: '18:00' });
    expect(ws.businessHours).toEqual({ days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' });
    const audit = await db.auditLog.findFirstOrThrow({ where: { workspaceId, action: 'workspace.set_business_hours' } });
    expect(audit.actorUserId).toBe(actors[0]!.userId);
    expect(audit.after).toEqual({ businessHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' } });
    // Tuesday 21:00 Moscow -> Wednesday 09:15
    expect(firstResponseDueAt(ws, new Date('2026-03-10T18:00:00Z')).toISOString()).toBe('2026-03-11T06:15:00.000Z');

    const cleared = await setBusinessHours(ctx, actors[0]!, null);
    expect(cleared.businessHours).toBeNull();
  });

  it('refuses an invalid value with the reason and keeps the old one', async () => {
    const { ctx, actors, workspaceId } = await makeTeam(db, { members: [{ name: 'Ada', role: 'admin' }] });
    await setBusinessHours(ctx, actors[0]!, { days: [1, 2, 3, 4, 5], start: '10:00', end: '19:00' });
    const err = await rejection(() => setBusinessHours(ctx, actors[0]!, { days: [1, 2, 3, 4, 5], start: '9:00', end: '25:00' }));
    expect(err).toMatchObject({ code: 'invalid_input', key: 'invalid.business_hours_end' });
    expect(err.message).toContain('25:00');
    const ws = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
    expect(ws.businessHours).toEqual({ days: [1, 2, 3, 4, 5], start: '10:00', end: '19:00' });
  });

  it('a manager or head cannot change them', async () => {
    const { ctx, actors, workspaceId } = await makeTeam(db, {
      members: [
        { name: 'Mo', role: 'manager' },
        { name: 'Hal', role: 'head' },
      ],
    });
    for (const actor of actors) {
      expect(await rejection(() => setBusinessHours(ctx, actor, { days: [1], start: '9', end: '18' }))).toMatchObject({ code: 'forbidden' });
    }
    expect((await db.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).businessHours).toBeNull();
  });
});
