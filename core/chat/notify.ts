// Texts and buttons for what managers are pushed: a new lead, a forwarded customer message.
import { t, type Locale } from '../i18n/index.js';
import type { Button } from '../ports.js';
import type { Attachment } from './inbound.js';
import type { MessageKey } from '../i18n/index.js';

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
