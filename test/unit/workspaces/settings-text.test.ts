// How /settings shows the values, in English and Russian.
import { describe, expect, it } from 'vitest';
import { formatBusinessHours, settingLines } from '../../../core/chat/commands/workspace-settings.js';
import { validateBusinessHours } from '../../../core/time/business-hours.js';
import type { WorkspaceSettings } from '../../../core/workspaces/settings.js';

const hours = validateBusinessHours({ days: [1, 2, 3, 4, 5, 6], start: '9', end: '18', perDay: { '6': { start: '10', end: '14' } } });
const s: WorkspaceSettings = {
  firstResponseMinutes: 30,
  businessHours: hours,
  timezone: 'Europe/Moscow',
  holidays: [{ from: '2026-12-31', to: '2027-01-08', name: 'New Year' }],
  autoReassignOnBreach: true,
  staleDealDays: 10,
  defaultCurrency: null,
  ackText: { ru: 'Спасибо!' },
  digestTime: '08:30',
  digestWeekday: 5,
};

describe('/settings lines', () => {
  it('groups weekdays with one window, per language', () => {
    expect(formatBusinessHours('en', hours)).toBe('Mon–Fri 09:00–18:00, Sat 10:00–14:00');
    expect(formatBusinessHours('ru', hours)).toBe('пн–пт 09:00–18:00, сб 10:00–14:00');
    expect(formatBusinessHours('en', null)).toBe('around the clock');
    expect(formatBusinessHours('ru', validateBusinessHours({ days: [1, 3, 5], start: '22', end: '6' }))).toBe('пн 22:00–06:00, ср 22:00–06:00, пт 22:00–06:00');
  });

  it('shows every setting in both languages', () => {
    expect(settingLines('en', s, 'holidays')).toEqual(['Holidays: 2026-12-31..2027-01-08 New Year']);
    expect(settingLines('ru', s, 'auto-reassign')).toEqual(['Автопереназначение при просрочке: вкл']);
    expect(settingLines('en', s, 'currency', 'ru')).toEqual(['Default currency: RUB (from the workspace language)']);
    expect(settingLines('ru', s, 'ack')).toEqual(['Автоответ (en): стандартный текст', 'Автоответ (ru): Спасибо!']);
    expect(settingLines('en', s, 'digest-time')).toEqual(['Digests at 08:30; the weekly one on Fri']);
    expect(settingLines('ru', s, 'first-response')).toEqual(['Первый ответ в течение: 30 мин (в рабочие часы)']);
  });
});
