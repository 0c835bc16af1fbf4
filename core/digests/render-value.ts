// The text of the team digest's customer-value sections (value-sections.ts), appended after
// the funnel sections by render-text.ts. Plain text like the rest of the digest.
import { formatMoney, t, type Locale } from '../i18n/index.js';
import type { Money } from './digest.js';
import type { DigestValueSections } from './value-sections.js';

const BULLET = '  • ';

const percentFormats = new Map<Locale, Intl.NumberFormat>();
function percent(locale: Locale, part: number, whole: number): string {
  if (!whole) return t(locale, 'digest.percent_none');
  let f = percentFormats.get(locale);
  if (!f) percentFormats.set(locale, (f = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 })));
  return f.format(part / whole);
}

const money = (locale: Locale, list: Money[]) => list.map((m) => formatMoney(locale, m.amount, m.currency)).join(', ');

export function renderValueSections(v: DigestValueSections, locale: Locale): string[] {
  const lines: string[] = [];
  const section = (head: string) => lines.push('', head);

  if (v.lostTotal) {
    section('📉 ' + t(locale, 'digest.value.lost_reasons', { count: v.lostTotal }));
    for (const r of v.lostReasons) {
      const amounts = money(
        locale,
        r.amounts.filter((m) => Number(m.amount) > 0),
      );
      lines.push(
        BULLET +
          t(locale, 'digest.value.lost_item', {
            reason: r.reason ?? t(locale, 'digest.value.no_reason'),
            count: r.count,
            amounts: amounts ? ` — ${amounts}` : '',
          }),
      );
    }
  } else section('📉 ' + t(locale, 'digest.value.lost_none'));

  if (v.managers.length) {
    section('👥 ' + t(locale, 'digest.value.managers'));
    for (const m of v.managers) {
      lines.push(
        BULLET +
          t(locale, 'digest.value.manager_item', {
            name: m.name,
            won: m.wonAmounts.length ? money(locale, m.wonAmounts) : String(m.won),
            leads: m.leads,
            converted: m.converted,
            share: percent(locale, m.converted, m.leads),
          }),
      );
    }
  }

  const r = v.responses;
  section('⚡ ' + t(locale, 'digest.value.response_shares'));
  if (r.leads) {
    lines.push(BULLET + t(locale, 'digest.value.within5', { share: percent(locale, r.within5, r.leads), count: r.within5, total: r.leads }));
    if (r.withDue)
      lines.push(BULLET + t(locale, 'digest.value.within_sla', { share: percent(locale, r.withinSla, r.withDue), count: r.withinSla, total: r.withDue }));
  } else lines.push(BULLET + t(locale, 'digest.value.response_none'));

  if (v.topCustomers.length) {
    section('🏆 ' + t(locale, 'digest.value.top_customers'));
    for (const group of v.topCustomers)
      for (const c of group.rows)
        lines.push(BULLET + t(locale, 'digest.value.top_item', { name: c.name, amount: formatMoney(locale, c.total, c.currency), count: c.n }));
  }
  return lines;
}
