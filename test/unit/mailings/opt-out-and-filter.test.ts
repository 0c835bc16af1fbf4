// Opting out by reply (the words), the unsubscribe link's signed token, and the segment
// filter's chat syntax.
import { describe, expect, it } from 'vitest';
import { isOptOutText, readUnsubscribeToken, unsubscribeToken } from '../../../core/mailings/opt-out.js';
import { describeFilter, parseSegmentFilter } from '../../../core/mailings/segment-filter.js';

describe('isOptOutText', () => {
  it.each(['stop', 'STOP', 'Stop!', ' stop. ', '/stop', 'Unsubscribe', 'opt out', 'Стоп', 'отписаться', 'Отписаться!!', 'отпишите меня', 'Не пишите мне'])(
    'reads %j as an opt-out',
    (text) => expect(isOptOutText(text)).toBe(true),
  );
  it.each(['', 'stop by tomorrow please', 'please don’t stop the delivery', 'стоимость?', 'отписаться от чего?', 'cancel my order', 'stopwatch'])(
    'does not read %j as one',
    (text) => expect(isOptOutText(text)).toBe(false),
  );
});

describe('unsubscribe tokens', () => {
  const secret = 'a-secret-of-enough-length';
  it('names the workspace and contact it was made for, signed', () => {
    const token = unsubscribeToken(secret, 3, 1234);
    expect(readUnsubscribeToken(secret, token)).toEqual({ workspaceId: 3, contactId: 1234 });
  });
  it('refuses another contact, another secret and garbage', () => {
    const token = unsubscribeToken(secret, 3, 1234);
    expect(readUnsubscribeToken(secret, token.replace('.1234.', '.1235.'))).toBeNull();
    expect(readUnsubscribeToken('another-secret-of-length', token)).toBeNull();
    expect(readUnsubscribeToken(secret, 'x')).toBeNull();
  });
});

describe('parseSegmentFilter', () => {
  it('reads every key, English and Russian, and leaves the name', () => {
    const r = parseSegmentFilter('VIP clients tag:VIP тег:moscow stage:"Proposal sent" source:tg owner:me after:2026-01-01 до:2026-06-01 канал:почта', 7);
    expect(r).toEqual({
      ok: true,
      rest: 'VIP clients',
      filter: {
        tags: ['vip', 'moscow'],
        stage: 'Proposal sent',
        source: 'telegram',
        ownerId: 7,
        lastContactAfter: '2026-01-01',
        lastContactBefore: '2026-06-01',
        channel: 'email',
      },
    });
    if (r.ok)
      expect(describeFilter(r.filter)).toBe(
        'tag:vip tag:moscow stage:"Proposal sent" source:telegram owner:7 after:2026-01-01 before:2026-06-01 channel:email',
      );
  });
  it('names what it could not read', () => {
    expect(parseSegmentFilter('X after:yesterday', 1)).toEqual({ ok: false, bad: 'after:yesterday' });
    expect(parseSegmentFilter('X channel:fax', 1)).toEqual({ ok: false, bad: 'channel:fax' });
    expect(parseSegmentFilter('X owner:someone', 1)).toEqual({ ok: false, bad: 'owner:someone' });
  });
});
