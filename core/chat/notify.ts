// Texts and buttons for what managers are pushed: a new lead, a forwarded customer message.
import { t, type Locale } from '../i18n/index.js';
import type { Button } from '../ports.js';
import type { Attachment, InboundLocation, InboundMessage } from './inbound.js';
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

const KINDS = new Set(['photo', 'document', 'voice', 'video', 'audio']);

/** A file's shown name: its file name, or for audio "performer — title" when the tags say so. */
function attachmentName(a: Attachment): string | undefined {
  const track = [a.performer, a.title].filter(Boolean).join(' — ');
  if (track && a.name) return `${track}, ${a.name}`;
  return track || a.name;
}

export function describeAttachments(locale: Locale, attachments: Attachment[]): string[] {
  return attachments.map((a) => {
    const name = attachmentName(a);
    return t(locale, 'chat.notify.attachment', {
      kind: t(locale, (KINDS.has(a.kind) ? `chat.attachment.${a.kind}` : 'chat.attachment.other') as MessageKey),
      name: name ? ` «${name}»` : '',
      size: formatSize(a.size),
    });
  });
}

/** A map anyone can open without an account or key (OpenStreetMap), centred on the place. */
export function mapLink(place: Pick<InboundLocation, 'latitude' | 'longitude'>): string {
  const lat = Number(place.latitude.toFixed(6));
  const lon = Number(place.longitude.toFixed(6));
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`;
}

/** What of a message core renders besides the customer's words (named InboundMessage fields). */
export type InboundContent = Pick<InboundMessage, 'text' | 'location' | 'forwardedFrom' | 'links' | 'editOf' | 'sharedContact' | 'sender'>;

/** The message carries more than words and files: a place, a forward, hidden links, a contact card, or it is an edit. */
export function carriesMore(m: InboundContent): boolean {
  return Boolean(m.location || m.forwardedFrom || m.links?.length || m.editOf || m.sharedContact);
}

/** What of it is kept beside the text (Message.meta): the named fields, for the timeline. */
export function inboundMeta(m: InboundContent): Record<string, unknown> | null {
  if (!carriesMore(m)) return null;
  const { location, forwardedFrom, links, editOf, sharedContact } = m;
  return Object.fromEntries(Object.entries({ location, forwardedFrom, links, editOf, sharedContact }).filter(([, v]) => v !== undefined));
}

/**
 * A customer's message as one text, the way every channel shows it: an edit marked as one,
 * who it was forwarded from, their words, a shared place with a map link, a shared contact,
 * the addresses behind link text. Attachments are listed apart (describeAttachments).
 */
export function inboundText(locale: Locale, m: InboundContent): string {
  const lines: string[] = [];
  if (m.editOf) lines.push(t(locale, 'chat.inbound.edited'));
  const origin = m.forwardedFrom;
  if (origin) {
    if (!origin.name) lines.push(t(locale, 'chat.inbound.forwarded_unknown'));
    else lines.push(t(locale, origin.kind === 'hidden_user' ? 'chat.inbound.forwarded_hidden' : 'chat.inbound.forwarded', { name: origin.name }));
  }
  const words = m.text.trim();
  if (words) lines.push(words);
  const place = m.location;
  if (place) {
    const link = mapLink(place);
    if (place.title || place.address) {
      lines.push(t(locale, 'chat.inbound.venue', { place: [place.title, place.address].filter(Boolean).join(', '), link }));
    } else {
      lines.push(t(locale, 'chat.inbound.location', { lat: Number(place.latitude.toFixed(6)), lon: Number(place.longitude.toFixed(6)), link }));
    }
  }
  const card = m.sharedContact;
  if (card) {
    const own = m.sender?.phone === card.phone;
    lines.push(
      own
        ? t(locale, 'chat.inbound.own_phone', { phone: card.phone })
        : t(locale, 'chat.inbound.contact', { name: card.name ?? '', phone: card.phone }).replace(/ {2,}/, ' '),
    );
  }
  for (const url of m.links ?? []) if (!words.includes(url)) lines.push(t(locale, 'chat.inbound.link', { url }));
  return lines.join('\n');
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

/** How much of a customer's words a summary line shows (coalesced notices). */
export const SNIPPET_CHARS = 80;

/** The start of a message on one line (whitespace collapsed, bidi controls gone), cut with "…". */
export function snippetOf(text: string, max = SNIPPET_CHARS): string {
  const line = neutralizeBidi(text).replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  return (
    line
      .slice(0, max - 1)
      .replace(/[\uD800-\uDBFF]$/, '')
      .trimEnd() + '…'
  );
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
