// Invite codes are guessable secrets: wrong ones are counted per chat account and per
// workspace in Redis (shared by every worker); while blocked, codes are not even checked, and
// the guesser is told once when to come back.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { chatFixture, nextId } from './chat-fixture.js';
import { RedisAttemptLimiter } from '../../../connectors/queue/attempt-limiter.js';
import { addUser } from '../../../core/users/add-user.js';
import { dbContext } from '../../../connectors/db/stores/index.js';
import { systemActor } from '../../../core/actor.js';
import { testPrefix } from '../../support/redis-keys.js';

const limiters: RedisAttemptLimiter[] = [];
afterAll(async () => {
  await Promise.all(limiters.map((l) => l.close()));
});

function limiter(limits: { perIdentity: number; perWorkspace: number }) {
  const l = new RedisAttemptLimiter(inject('redisUrl'), testPrefix('t-invite'), {
    ...limits,
    identityWindowSeconds: 900,
    workspaceWindowSeconds: 3600,
  });
  limiters.push(l);
  return l;
}

describe('invite code attempts', () => {
  it('5 wrong codes per account, then one notice and silence; even the right code waits', async () => {
    const f = await chatFixture('en');
    f.deps.attempts = limiter({ perIdentity: 5, perWorkspace: 100 });
    const { inviteCode } = await addUser(dbContext(f.db), systemActor(f.ws), { name: 'New Hire', role: 'manager' });
    const guesser = { id: nextId(), name: 'Guesser' };
    for (let i = 0; i < 5; i++) {
      expect((await f.send(f.msg(guesser, `/start WRONG${i}`))).map((r) => r.text)).toEqual([expect.stringMatching(/not valid/)]);
    }
    expect((await f.send(f.msg(guesser, '/start WRONG5'))).map((r) => r.text)).toEqual([
      'Too many wrong invite codes. Try again in 15 minutes, or ask your admin for a new code.',
    ]);
    expect(await f.send(f.msg(guesser, '/start WRONG6'))).toEqual([]);
    // the right code is not even looked at while blocked
    expect(await f.send(f.msg(guesser, `/start ${inviteCode}`))).toEqual([]);
    expect(await f.db.identity.count({ where: { workspaceId: f.ws.id, externalId: guesser.id, userId: { not: null } } })).toBe(0);
    // someone else is not affected by this account's block
    const hire = { id: nextId(), name: 'New Hire' };
    expect((await f.send(f.msg(hire, `/start ${inviteCode}`))).map((r) => r.text)).toEqual([expect.stringMatching(/Welcome, New Hire/)]);
  });

  it('counts wrong codes across the workspace too', async () => {
    const f = await chatFixture('ru');
    f.deps.attempts = limiter({ perIdentity: 5, perWorkspace: 10 });
    for (let i = 0; i < 10; i++) await f.send(f.msg({ id: nextId(), name: `G${i}`, lang: 'ru' }, `/start NOPE${i}`));
    const fresh = { id: nextId(), name: 'Свежий', lang: 'ru' };
    expect((await f.send(f.msg(fresh, '/start NOPE'))).map((r) => r.text)).toEqual([expect.stringMatching(/^Слишком много неверных кодов/)]);
  });
});
