// The text digest: complete, localized (Russian plural forms), plain text, deltas with arrows.
import { describe, it, expect } from 'vitest';
import { renderDigestText, formatDuration } from '../../../core/digests/render-text.js';
import { sampleTeamDigest, sampleTodayDigest } from '../../support/digest-samples.js';

describe('today digest text', () => {
  it.each([
    [1, 'Просрочена 1 задача', 'Новые лиды: 1 лид', '1 сделка'],
    [3, 'Просрочено 3 задачи', 'Новые лиды: 3 лида', '3 сделки'],
    [5, 'Просрочено 5 задач', 'Новые лиды: 5 лидов', '5 сделок'],
    [11, 'Просрочено 11 задач', 'Новые лиды: 11 лидов', '11 сделок'],
    [21, 'Просрочена 21 задача', 'Новые лиды: 21 лид', '21 сделка'],
    [22, 'Просрочено 22 задачи', 'Новые лиды: 22 лида', '22 сделки'],
  ])('uses the Russian plural form for %i', (n, tasks, leads, deals) => {
    const text = renderDigestText(sampleTodayDigest('ru', { overdue: n, due: 0, leads: n, stale: n }), 'ru');
    expect(text).toContain(tasks);
    expect(text).toContain(leads);
    expect(text).toContain(`Без активности 7+ дн.: ${deals}`);
  });

  it("shows times in the recipient's zone, how many more items there are, and keeps titles as written (senders escape for their markup)", () => {
    const text = renderDigestText(sampleTodayDigest('en'), 'en');
    expect(text).toContain('Your day, Tue, March 10');
    expect(text).toContain('#2 Task <2> — 23:30'); // 20:30 UTC in Moscow
    expect(text).toContain('#1 Task <1> — Mon, Mar 9, 13:00');
    expect(text).toContain('…and 4 more');
    expect(text).toContain('Acme & Sons');
    expect(text).not.toContain('&amp;');
  });

  it('says so when there is nothing to do', () => {
    const text = renderDigestText(sampleTodayDigest('ru', { overdue: 0, due: 0, leads: 0, stale: 0 }), 'ru');
    expect(text).toContain('На сегодня задач нет');
    expect(text.split('\n')).toHaveLength(3);
  });
});

describe('team digest text', () => {
  it('compares every figure with the previous period', () => {
    const text = renderDigestText(sampleTeamDigest('en'), 'en');
    expect(text).toContain('Team digest for Mon, March 9');
    expect(text).toContain('compared with Sun, March 8');
    expect(text).toContain('New leads: 12 ▲1 (was 11)');
    expect(text).toContain('email: 3 ▼2 (was 5)');
    expect(text).toContain('web form: 2 =');
    expect(text).toContain('Funnel, open deals: 11 ▼1 (was 12)');
    expect(text).toMatch(/Qualified: 3 — RUB\s120,000\.00, \$900\.00/);
    expect(text).toContain('Became deals: 4 ▲2 (was 2) (33%)');
    expect(text).toMatch(/Won amount: RUB\s250,000\.00 ▲RUB\s100,000\.00 \(was RUB\s150,000\.00\)/);
    expect(text).toContain('median 5 min ▲2 min (was 3 min); p90 16 min ▲11 min (was 5 min); 2 leads still unanswered');
    expect(text).toContain('Ivan & Co: 3 ▲2 (was 1)');
    expect(text).toContain('Negotiation <VIP>: 1');
  });

  it('renders Russian with localized stage names and money', () => {
    const text = renderDigestText(sampleTeamDigest('ru', 'team_weekly'), 'ru');
    expect(text).toMatch(/^Недельная сводка команды, 9 мар\./);
    expect(text).toContain('Квалификация: 3');
    expect(text).toMatch(/Сумма выигранных: 250\s000,00\s₽ ▲100\s000,00\s₽ \(было 150\s000,00\s₽\)/);
    expect(text).toContain('2 лида ещё без ответа');
  });
});

describe('helpers', () => {
  it('formats durations', () => {
    expect(formatDuration('en', 42)).toBe('42 s');
    expect(formatDuration('en', 960)).toBe('16 min');
    expect(formatDuration('ru', 3900)).toBe('1 ч 5 мин');
    expect(formatDuration('en', 3 * 86400 + 7200)).toBe('3 d 2 h');
  });
});
