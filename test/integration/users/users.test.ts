import { describe, it, expect, beforeAll } from 'vitest';
import { createHash } from 'node:crypto';
import { testDb } from '../../support/db.js';
import { makeTeam, rejection, type ManualClock } from '../../support/team.js';
import type { Actor } from '../../../core/actor.js';
import type { CoreContext } from '../../../core/context.js';
import {
  addUser,
  newInviteCode,
  redeemInvite,
  listUsers,
  setOnDuty,
  setUserLocale,
  setUserTimezone,
  actorForUser,
  userByIdentity,
} from '../../../core/users/index.js';

const db = testDb();
let ctx: CoreContext;
let clock: ManualClock;
let system: Actor, head: Actor, manager: Actor;
let workspaceId: number;
const NOW = new Date('2026-03-10T09:00:00Z');
let seq = 0;
const tg = () => ({ channel: 'telegram' as const, externalId: `tg-${process.pid}-${Date.now()}-${++seq}`, chatId: '42', displayName: 'Someone' });

beforeAll(async () => {
  const team = await makeTeam(db, {
    locale: 'ru',
    timezone: 'Europe/Moscow',
    now: NOW,
    members: [
      { name: 'Head', role: 'head' },
      { name: 'Manny', role: 'manager' },
    ],
  });
  ({ ctx, clock, system, workspaceId } = team);
  [head, manager] = team.actors as [Actor, Actor];
});

describe('addUser', () => {
  it('stores only the invite hash, and creates the default digest subscriptions', async () => {
    clock.current = NOW;
    const { user, inviteCode, inviteExpiresAt } = await addUser(ctx, head, {
      name: 'Vera',
      role: 'Manager',
      email: 'Vera@Example.com',
      timezone: 'Asia/Yekaterinburg',
    });
    expect(user).toMatchObject({ role: 'manager', email: 'vera@example.com', timezone: 'Asia/Yekaterinburg', onDuty: true });
    expect(inviteCode).toMatch(/^[A-HJKMNP-Z2-9]{10}$/);
    expect(inviteExpiresAt.toISOString()).toBe('2026-03-17T09:00:00.000Z');
    const invites = await db.inviteCode.findMany({ where: { userId: user.id } });
    expect(invites).toHaveLength(1);
    expect(invites[0]!.codeHash).toBe(createHash('sha256').update(inviteCode).digest('hex'));
    expect(JSON.stringify(await db.auditLog.findMany({ where: { workspaceId } }))).not.toContain(inviteCode);
    const subs = await db.digestSubscription.findMany({ where: { userId: user.id } });
    expect(subs.map((s) => [s.kind, s.hour, s.minute])).toEqual([['today', 9, 0]]);
    const headSubs = await db.digestSubscription.findMany({ where: { userId: head.userId }, orderBy: { kind: 'asc' } });
    expect(headSubs.map((s) => [s.kind, s.weekday])).toEqual([
      ['today', null],
      ['team_daily', null],
      ['team_weekly', 1],
    ]);
  });

  it('refuses an unknown role, zone or language and writes nothing', async () => {
    const before = await db.user.count({ where: { workspaceId } });
    const bad = await rejection(() => addUser(ctx, head, { name: 'X', role: 'boss' }));
    expect(bad.key).toBe('invalid.role');
    expect(bad.message).toContain('"boss"');
    expect((await rejection(() => addUser(ctx, head, { name: 'X', role: 'manager', timezone: 'Moon/Base' }))).key).toBe('invalid.timezone');
    expect((await rejection(() => addUser(ctx, head, { name: 'X', role: 'manager', locale: 'de' }))).key).toBe('invalid.locale');
    expect((await rejection(() => addUser(ctx, manager, { name: 'X', role: 'manager' }))).code).toBe('forbidden');
    expect((await rejection(() => addUser(ctx, head, { name: 'X', role: 'admin' }))).code).toBe('forbidden');
    expect(await db.user.count({ where: { workspaceId } })).toBe(before);
  });
});

describe('invite codes', () => {
  it('are single use, also under a concurrent double redeem', async () => {
    clock.current = NOW;
    const { user, inviteCode } = await addUser(ctx, system, { name: 'Race', role: 'manager' });
    const a = tg();
    const b = tg();
    const results = await Promise.allSettled([
      redeemInvite(ctx, { code: inviteCode, identity: a }),
      redeemInvite(ctx, { code: inviteCode.toLowerCase(), identity: b }),
    ]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect((rejected[0]!.reason as { key: string }).key).toBe('invalid.invite_used');
    expect(await db.identity.count({ where: { userId: user.id } })).toBe(1);
    expect((await rejection(() => redeemInvite(ctx, { code: inviteCode, identity: tg() }))).key).toBe('invalid.invite_used');
  });

  it('links the account (re-pointing a customer identity), found without the workspace id', async () => {
    clock.current = NOW;
    const { user, inviteCode } = await addUser(ctx, head, { name: 'Former Customer', role: 'manager' });
    const contact = await db.contact.create({ data: { workspaceId, name: 'Cust', nameKey: 'cust' } });
    const id = tg();
    await db.identity.create({ data: { workspaceId, channel: id.channel, externalId: id.externalId, contactId: contact.id } });
    expect(await userByIdentity(db, workspaceId, id.channel, id.externalId)).toBeNull();
    const { user: linked, identity } = await redeemInvite(ctx, {
      code: `${inviteCode.slice(0, 5)}-${inviteCode.slice(5)}`,
      identity: { ...id, languageCode: 'en' },
    });
    expect(linked.id).toBe(user.id);
    expect(identity).toMatchObject({ userId: user.id, contactId: null, chatId: '42', languageCode: 'en' });
    expect((await userByIdentity(db, workspaceId, id.channel, id.externalId))?.id).toBe(user.id);
    const audit = await db.auditLog.findFirstOrThrow({ where: { workspaceId, action: 'identity.link', entityId: String(identity.id) } });
    expect(audit.before).toMatchObject({ contactId: contact.id, userId: null });
  });

  it('expire after 7 days, die when replaced, and belong to their workspace', async () => {
    clock.current = NOW;
    const { user, inviteCode } = await addUser(ctx, head, { name: 'Late', role: 'manager' });
    clock.advance(7 * 24 * 3600_000 + 1000);
    expect((await rejection(() => redeemInvite(ctx, { code: inviteCode, identity: tg() }))).key).toBe('invalid.invite_used');
    const fresh = await newInviteCode(ctx, head, user.id);
    expect(fresh.inviteCode).not.toBe(inviteCode);
    const newest = await newInviteCode(ctx, head, user.id);
    expect((await rejection(() => redeemInvite(ctx, { code: fresh.inviteCode, identity: tg() }))).key).toBe('invalid.invite_used');
    expect((await rejection(() => redeemInvite(ctx, { workspaceId: workspaceId + 100_000, code: newest.inviteCode, identity: tg() }))).key).toBe(
      'invalid.invite_used',
    );
    expect((await rejection(() => redeemInvite(ctx, { code: 'NOTACODE22', identity: tg() }))).key).toBe('invalid.invite_used');
    expect((await rejection(() => newInviteCode(ctx, manager, user.id))).code).toBe('forbidden');
    const { user: linked } = await redeemInvite(ctx, { workspaceId, code: newest.inviteCode, identity: tg() });
    expect(linked.id).toBe(user.id);
  });
});

describe('settings and actors', () => {
  it('builds the Actor with locale and zone fallbacks and lets people change their own settings', async () => {
    const { user } = await addUser(ctx, head, { name: 'Fallback', role: 'manager' });
    const actor = await actorForUser(db, user.id);
    expect(actor).toMatchObject({ userId: user.id, workspaceId, role: 'manager', locale: 'ru', timezone: 'Europe/Moscow', name: 'Fallback' });
    await setUserLocale(ctx, actor, user.id, 'EN');
    await setUserTimezone(ctx, actor, user.id, 'America/Chicago');
    const off = await setOnDuty(ctx, actor, user.id, false);
    expect(off.onDuty).toBe(false);
    expect(await actorForUser(db, user.id)).toMatchObject({ locale: 'en', timezone: 'America/Chicago' });
    expect((await rejection(() => setOnDuty(ctx, manager, user.id, true))).code).toBe('forbidden');
    expect((await rejection(() => setUserTimezone(ctx, actor, user.id, 'Nowhere/Land'))).key).toBe('invalid.timezone');
    await setOnDuty(ctx, head, user.id, true);
    const listed = await listUsers(ctx, manager);
    expect(listed.find((u) => u.id === user.id)).toMatchObject({ onDuty: true, timezone: 'America/Chicago' });
    expect(listed.every((u) => u.workspaceId === workspaceId)).toBe(true);
  });
});
