// What /history, /note and /find read from their arguments, and how a timeline entry reads.
import { describe, it, expect } from 'vitest';
import { parseFind, parseSubject, entryLine } from '../../../core/chat/commands/history.js';
import type { Actor } from '../../../core/actor.js';
import type { TimelineEntry } from '../../../core/history/timeline.js';
import { activityKind } from '../../../core/history/timeline.js';

const actor = (locale: 'en' | 'ru'): Actor => ({ userId: 1, workspaceId: 1, role: 'manager', locale, timezone: 'Europe/Moscow' });
const entry = (e: Partial<TimelineEntry>): TimelineEntry => ({
  key: 'a:1',
  at: new Date('2026-03-10T09:05:00Z'),
  kind: 'event',
  type: 'note',
  channel: null,
  text: null,
  actorName: 'Mary',
  contactId: 1,
  leadId: null,
  dealId: null,
  taskId: null,
  data: {},
  ...e,
});

describe('/history and /note arguments', () => {
  it('reads the subject in English and Russian; a bare number is a lead', () => {
    expect(parseSubject('12')).toEqual({ subject: { kind: 'lead', id: 12 }, rest: '' });
    expect(parseSubject('contact #5 call at 3')).toEqual({ subject: { kind: 'contact', id: 5 }, rest: 'call at 3' });
    expect(parseSubject('Сделка 7 ждут счёт')).toEqual({ subject: { kind: 'deal', id: 7 }, rest: 'ждут счёт' });
    expect(parseSubject('контакт')).toBeNull();
    expect(parseSubject('acme')).toBeNull();
  });
});

describe('/find arguments', () => {
  it('splits text, amount range and stage', () => {
    expect(parseFind('acme amount 1000-5000 stage negotiation')).toEqual({ text: 'acme', min: 1000, max: 5000, stage: 'negotiation' });
    expect(parseFind('ромашка сумма >120к')).toEqual({ text: 'ромашка', min: 120_000 });
    expect(parseFind('amount <1.5m')).toEqual({ text: '', max: 1_500_000 });
    expect(parseFind('этап переговоры')).toEqual({ text: '', stage: 'переговоры' });
    expect(parseFind('+7 916 555')).toEqual({ text: '+7 916 555' });
    expect(parseFind('acme amount lots').badAmount).toBe('lots');
  });
});

describe('a timeline entry as a line', () => {
  it('messages, notes, stage moves and merges in both languages', () => {
    expect(entryLine(actor('en'), entry({ kind: 'message_in', type: 'message', channel: 'telegram', text: 'Hi\nthere', actorName: null }))).toBe(
      'Tue, Mar 10, 12:05 📩 Telegram · customer: Hi ⏎ there',
    );
    expect(entryLine(actor('en'), entry({ kind: 'note', text: 'call back' }))).toBe('Tue, Mar 10, 12:05 📝 Note by Mary: call back');
    const moved = entry({ kind: 'stage', type: 'deal.stage_moved', dealId: 4, data: { from: 'New', to: 'Negotiation' } });
    expect(entryLine(actor('ru'), moved)).toMatch(/📊 Сделка #4: Новая → Переговоры \(Mary\)$/);
    expect(entryLine(actor('en'), entry({ kind: 'merge', type: 'merge.proposed', contactId: 1, data: { keepId: 1, mergeId: 9, reason: 'phone' } }))).toMatch(
      /👥 Merge with contact #9 proposed \(same phone\)$/,
    );
    expect(entryLine(actor('en'), entry({ type: 'lead.custom_thing', leadId: 3 }))).toMatch(/• lead\.custom_thing \(Mary\)$/);
  });

  it('sorts activity types into kinds', () => {
    expect(activityKind('deal.won')).toBe('stage');
    expect(activityKind('lead.taken')).toBe('assignment');
    expect(activityKind('contact.unmerged')).toBe('merge');
    expect(activityKind('task.completed')).toBe('task');
    expect(activityKind('lead.created')).toBe('event');
  });
});
