// Texts and buttons of SLA alerts (breach, "remind in 10 min", reassigned to you).
import type { Button } from '../ports.js';
import { t, type Locale } from '../i18n/index.js';

export interface SlaLead {
  id: number;
  title: string;
  source: string;
  contactName: string;
}

export function slaButtons(locale: Locale, leadId: number): Button[][] {
  return [
    [
      { label: t(locale, 'sla.button.reassign'), data: `sla:reassign:${leadId}` },
      { label: t(locale, 'sla.button.remind_10m'), data: `sla:remind:${leadId}:10m` },
    ],
  ];
}

function base(locale: Locale, lead: SlaLead) {
  return { id: lead.id, title: lead.title, contact: lead.contactName, source: t(locale, `channel.${lead.source}` as 'channel.telegram') };
}

export function breachText(locale: Locale, lead: SlaLead, minutes: number, assigneeName: string | null, reassigned?: { from: string; to: string }): string {
  const lines = [t(locale, 'sla.breached', { ...base(locale, lead), minutes })];
  if (reassigned) lines.push(t(locale, 'sla.reassigned', reassigned));
  else lines.push(assigneeName ? t(locale, 'sla.assignee', { name: assigneeName }) : t(locale, 'sla.unassigned'));
  return lines.join('\n');
}

export function reassignedToYouText(locale: Locale, lead: SlaLead): string {
  return t(locale, 'sla.reassigned_to_you', base(locale, lead));
}

export function stillWaitingText(locale: Locale, lead: SlaLead): string {
  return t(locale, 'sla.still_waiting', base(locale, lead));
}
