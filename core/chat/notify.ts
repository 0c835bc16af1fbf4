// Texts and buttons for what managers are pushed: a new lead, a forwarded customer message.
import { t, type Locale } from '../i18n/index.js';
import type { Button } from '../ports.js';
import type { Attachment } from './inbound.js';
import type { MessageKey } from '../i18n/index.js';
import { fitEscaped, neutralizeBidi } from '../text/sanitize.js';

/**
 * How much of a customer's text a push to a manager carries, counted as escaped characters
 * (core/text/sanitize.ts escapedLength): with the header it stays within three Telegram
 * messages however the renderer splits it (each part holds at least half of 4,096), and
 * within one Slack message. The rest is one command away (/lead N).
 */
export const PREVIEW_BUDGET = 5_000;

export function channelLabel(locale: Locale, channel: string): string {
  return t(locale, `channel.${channel}` as MessageKey);
}

function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `, ${bytes} B`;
  if (bytes < 1024 * 1024) return `, ${Math.round(bytes / 1024)} KB`;
  return `, ${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const KINDS = new Set(['photo', 'document', 'voice', 'video']);

export function describeAttachments(locale: Locale, attachments: Attachment[]): string[] {
  return attachments.map((a) =>
    t(locale, 'chat.notify.attachment', {
      kind: t(locale, (KINDS.has(a.kind) ? `chat.attachment.${a.kind}` : 'chat.attachment.other') as MessageKey),
      name: a.name ? ` «${a.name}»` : '',
      size: formatSize(a.size),
    }),
  );
}

/** The customer's words plus one line per attachment. */
export function messageBody(locale: Locale, text: string, attachments: Attachment[]): string {
  return [text.trim(), ...describeAttachments(locale, attachments)].filter(Boolean).join('\n');
}

/**
 * What a manager is shown of a customer's message: bidi controls neutralised, cut to
 * PREVIEW_BUDGET with a pointer to the full text (`/lead N` when there is a lead).
 */
export function previewBody(locale: Locale, text: string, attachments: Attachment[], leadId?: number | null): string {
  const files = describeAttachments(locale, attachments);
  const room = PREVIEW_BUDGET - files.reduce((n, l) => n + l.length + 1, 0);
  const fit = fitEscaped(neutralizeBidi(text.trim()), Math.max(500, room));
  const lines = [fit.text];
  if (fit.rest > 0) {
    lines.push(leadId ? t(locale, 'chat.notify.truncated', { count: fit.rest, leadId }) : t(locale, 'chat.notify.truncated_no_lead', { count: fit.rest }));
  }
  return [...lines, ...files].filter(Boolean).join('\n');
}

/** A customer's name as shown to a manager: no bidi controls that could reorder what they read. */
export function shownName(name: string): string {
  return neutralizeBidi(name);
}

export function leadButtons(locale: Locale, leadId: number): Button[][] {
  return [
    [
      { label: t(locale, 'chat.button.reply'), data: `lead:reply:${leadId}` },
      { label: t(locale, 'chat.button.take'), data: `lead:take:${leadId}` },
    ],
    [
      { label: t(locale, 'chat.button.deal'), data: `lead:deal:${leadId}` },
      { label: t(locale, 'chat.button.junk'), data: `lead:junk:${leadId}` },
    ],
    [{ label: t(locale, 'chat.button.remind'), data: `lead:remind:${leadId}` }],
  ];
}
