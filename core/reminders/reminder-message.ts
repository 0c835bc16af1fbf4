// The reminder a task's assignee gets at its due time: title, due time in their time zone,
// the linked lead/deal/contact, and the Done / Snooze buttons handled by core/chat.
import type { Button, OutboxItem } from '../ports.js';
import { t, type Locale } from '../i18n/index.js';

export interface ReminderTask {
  id: number;
  workspaceId: number;
  title: string;
  assigneeId: number;
  leadId: number | null;
  dealId: number | null;
  contactId: number | null;
  lead?: { title: string } | null;
  deal?: { title: string } | null;
  contact?: { name: string } | null;
}

// formatDateTime's format, with the formatter kept per locale + zone (reminders come in bursts)
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatDue(locale: Locale, date: Date, timeZone: string): string {
  const key = `${locale} ${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    if (formatters.size < 500) formatters.set(key, f);
  }
  return f.format(date);
}

export function reminderDedupeKey(taskId: number, dueAtMs: number): string {
  return `rem-${taskId}-${dueAtMs}`;
}

export function reminderButtons(locale: Locale, taskId: number): Button[][] {
  return [
    [{ label: t(locale, 'reminder.button.done'), data: `task:done:${taskId}` }],
    [
      { label: t(locale, 'reminder.button.snooze_15m'), data: `task:snooze:${taskId}:15m` },
      { label: t(locale, 'reminder.button.snooze_1h'), data: `task:snooze:${taskId}:1h` },
      { label: t(locale, 'reminder.button.tomorrow'), data: `task:snooze:${taskId}:tomorrow` },
    ],
  ];
}

export function reminderText(locale: Locale, timezone: string, task: ReminderTask, dueAt: Date, next?: Date | null): string {
  const lines = [t(locale, 'reminder.text', { title: task.title, due: formatDue(locale, dueAt, timezone) })];
  if (task.lead) lines.push(t(locale, 'reminder.lead', { title: task.lead.title }));
  if (task.deal) lines.push(t(locale, 'reminder.deal', { title: task.deal.title }));
  if (task.contact && !task.lead && !task.deal) lines.push(t(locale, 'reminder.contact', { name: task.contact.name }));
  if (next) lines.push(t(locale, 'reminder.repeats', { next: formatDue(locale, next, timezone) }));
  return lines.join('\n');
}

export function reminderItem(
  recipient: { identityId: number; locale: Locale; timezone: string },
  task: ReminderTask,
  dueAt: Date,
  next?: Date | null,
): OutboxItem {
  return {
    workspaceId: task.workspaceId,
    identityId: recipient.identityId,
    text: reminderText(recipient.locale, recipient.timezone, task, dueAt, next),
    buttons: reminderButtons(recipient.locale, task.id),
    ref: { userId: task.assigneeId, taskId: task.id, leadId: task.leadId ?? undefined, dealId: task.dealId ?? undefined },
    dedupeKey: reminderDedupeKey(task.id, dueAt.getTime()),
  };
}
