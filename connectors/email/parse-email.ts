// Raw RFC 822 message -> ParsedEmail (core/email/types.ts), with mailparser's streaming parser.
// Bounded: the body is cut at maxBodyChars, an attachment over maxAttachmentBytes is read
// through and counted but only its metadata is kept. Malformed headers never throw: a missing
// or broken field becomes null and a warning.
import type { Readable } from 'node:stream';
import { MailParser, type AddressObject, type AttachmentStream, type HeaderLines, type Headers, type MessageText, type StructuredHeader } from 'mailparser';
import type { EmailAddress, EmailAttachment, ParsedEmail } from '../../core/email/types.js';
import { normaliseMessageId } from '../../core/email/thread-key.js';
import { createUtf7DecodeStream, decodeUtf7, isUtf7Charset } from './utf7.js';
import { decodeWords, hasUtf7Word } from './header-words.js';
import { createLabelledDecodeStream, createSniffingDecodeStream, isLegacyLabel, isUnsettledCharset, redecodeLatin1 } from './charset.js';

export interface ParseLimits {
  maxBodyChars: number;
  maxAttachmentBytes: number;
}

/** Text of report parts (delivery-status, rfc822 headers) is read up to this many bytes. */
const REPORT_PART_BYTES = 64 * 1024;
const REPORT_TYPES = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
  'message/feedback-report',
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/global-headers',
]);
const LIST_HEADERS = /^(list-(post|help|subscribe|owner|archive)|mailing-list|x-mailing-list|x-mlserver|x-ml-name|x-list|x-listname|x-list-id|x-loop-list)$/;
export const TRUNCATION_MARKER = '\n[…]';

type Decoder = { decodeStream(charset: string): NodeJS.ReadWriteStream };
type ParserNode = { charset?: string; isAttachment?: boolean; contentType?: string };

/** Marks a text part whose charset the message does not settle (see connectors/email/charset.ts). */
const SNIFF = 'x-leadline-sniff';
/** Marks a text part labelled with a legacy charset: UTF-8 when its bytes are, else the label. */
const LABELLED = 'x-leadline-labelled:';

/**
 * Two decoding rules on top of mailparser, through two of its internal hooks (createNode and
 * getDecoder; test/unit/email/parse-email.test.ts pins the behaviour):
 * - UTF-7 text parts are decoded here: mailparser refuses UTF-7 (a safety rule for HTML filters),
 *   Leadline shows mail as plain text only.
 * - a text part without a charset, or labelled us-ascii/utf-8/unknown-8bit, is decoded by
 *   sniffing its bytes (UTF-8 when valid, else the charset chardet finds): KOI8-R and
 *   windows-1251 mail without a charset reads right instead of as U+FFFD.
 * - a text part labelled with a legacy charset (windows-1251, Big5 ...) whose bytes are valid
 *   multi-byte UTF-8 is read as UTF-8 (a relabelled UTF-8 body), else in its label.
 */
class DecodingMailParser extends MailParser {
  getDecoder(): Decoder {
    const base = (MailParser.prototype as unknown as { getDecoder(this: MailParser): Decoder }).getDecoder.call(this);
    return {
      decodeStream: (charset: string) =>
        charset === SNIFF
          ? createSniffingDecodeStream()
          : charset.startsWith(LABELLED)
            ? createLabelledDecodeStream(charset.slice(LABELLED.length), (c) => base.decodeStream(c))
            : isUtf7Charset(charset)
              ? createUtf7DecodeStream()
              : base.decodeStream(charset),
    };
  }

  createNode(node: unknown): ParserNode {
    const created = (MailParser.prototype as unknown as { createNode(this: MailParser, node: unknown): ParserNode }).createNode.call(this, node);
    if (!created.isAttachment && /^text\//i.test(created.contentType ?? '')) {
      if (isUnsettledCharset(created.charset)) created.charset = SNIFF;
      else if (isLegacyLabel(created.charset) && !isUtf7Charset(created.charset ?? '')) created.charset = LABELLED + created.charset;
    }
    return created;
  }
}

export async function parseEmail(source: Buffer | Readable, limits: ParseLimits): Promise<ParsedEmail> {
  const parser = new DecodingMailParser({
    keepDeliveryStatus: true,
    skipImageLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    checksumAlgo: false,
    // html-to-text on megabytes of markup is slow; past this the body is cut anyway
    maxHtmlLengthToParse: Math.max(limits.maxBodyChars * 20, 1_000_000),
  });
  const warnings: string[] = [];
  let headers: Headers | undefined;
  let headerLines: HeaderLines | undefined;
  let textData: MessageText | undefined;
  const attachments: EmailAttachment[] = [];
  const reportTexts = new Map<string, string[]>();

  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve();
    };
    parser.on('headers', (h) => {
      headers = h;
      headerLines = parser.headerLines || undefined;
    });
    parser.on('error', (err: Error) => {
      // the parser gave up (too many parts, a huge header block ...): keep what was read
      warnings.push(`parser: ${err.message}`);
      finish();
    });
    let reading = false;
    const readNext = (): void => {
      reading = true;
      for (;;) {
        const data = parser.read();
        if (data === null) {
          reading = false;
          return;
        }
        if (data.type === 'text') {
          textData = data;
          continue;
        }
        readAttachment(data, limits.maxAttachmentBytes, attachments, reportTexts, () => readNext());
        return;
      }
    };
    parser.on('readable', () => {
      if (!reading) readNext();
    });
    parser.on('end', () => finish());

    if (Buffer.isBuffer(source)) parser.end(source);
    else {
      source.once('error', (err) => {
        parser.destroy();
        finish(err);
      });
      source.pipe(parser);
    }
  });

  return buildParsed(headers, headerLines, textData, attachments, reportTexts, warnings, limits);
}

function readAttachment(att: AttachmentStream, cap: number, out: EmailAttachment[], reportTexts: Map<string, string[]>, next: () => void) {
  const mime = (att.contentType || 'application/octet-stream').toLowerCase();
  const isReport = REPORT_TYPES.has(mime);
  const chunks: Buffer[] = [];
  let size = 0;
  let kept = true;
  let reportBytes = 0;
  const reportChunks: Buffer[] = [];
  let done = false;
  const end = () => {
    if (done) return;
    done = true;
    out.push({
      filename: att.filename ?? null,
      mime,
      size,
      disposition: att.contentDisposition ?? null,
      kept,
      content: kept ? Buffer.concat(chunks, size) : null,
    });
    if (isReport) {
      const list = reportTexts.get(mime) ?? [];
      list.push(Buffer.concat(reportChunks).toString('utf8'));
      reportTexts.set(mime, list);
    }
    att.release?.();
    next();
  };
  att.content.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (isReport && reportBytes < REPORT_PART_BYTES) {
      const part = chunk.subarray(0, REPORT_PART_BYTES - reportBytes);
      reportChunks.push(part);
      reportBytes += part.length;
    }
    if (kept && size > cap) {
      kept = false;
      chunks.length = 0;
    }
    if (kept) chunks.push(chunk);
  });
  att.content.on('end', end);
  att.content.on('error', end);
}

function buildParsed(
  headers: Headers | undefined,
  lines: HeaderLines | undefined,
  textData: MessageText | undefined,
  attachments: EmailAttachment[],
  reportTexts: Map<string, string[]>,
  warnings: string[],
  limits: ParseLimits,
): ParsedEmail {
  const h = headers ?? (new Map() as Headers);
  const raw = rawHeaders(lines ?? []);
  if (!headers) warnings.push('no headers could be read');

  const contentType = h.get('content-type') as StructuredHeader | undefined;
  const ctValue = typeof contentType?.value === 'string' ? contentType.value.toLowerCase() : null;
  const reportType = contentType?.params?.['report-type']?.toLowerCase() ?? null;

  const from = addresses(h.get('from'), raw.get('from'))[0] ?? null;
  if (!from) warnings.push('no usable From address');

  const { text, truncated } = bodyText(textData, limits.maxBodyChars, warnings);
  const deliveryStatus = [...(reportTexts.get('message/delivery-status') ?? []), ...(reportTexts.get('message/global-delivery-status') ?? [])].join('\n');
  const feedback = (reportTexts.get('message/feedback-report') ?? []).join('\n');
  const returnedHeaders = [
    ...(reportTexts.get('message/rfc822') ?? []),
    ...(reportTexts.get('text/rfc822-headers') ?? []),
    ...(reportTexts.get('message/global') ?? []),
    ...(reportTexts.get('message/global-headers') ?? []),
  ];

  const partTypes = new Set<string>();
  if (ctValue) partTypes.add(ctValue);
  if (textData?.text) partTypes.add('text/plain');
  if (textData?.html) partTypes.add('text/html');
  for (const a of attachments) partTypes.add(a.mime);

  return {
    messageId: firstMessageId(first(raw.get('message-id'))),
    inReplyTo: firstMessageId(first(raw.get('in-reply-to'))),
    references: messageIds(raw.get('references')?.join(' ') ?? ''),
    from,
    fromRaw: fromRaw(h.get('from'), first(raw.get('from'))),
    replyTo: addresses(h.get('reply-to'), raw.get('reply-to')),
    to: addresses(h.get('to'), raw.get('to')),
    cc: addresses(h.get('cc'), raw.get('cc')),
    returnPath: returnPath(first(raw.get('return-path'))),
    date: parseDate(first(raw.get('date'))),
    subject: subject(h.get('subject'), first(raw.get('subject'))),
    headers: {
      autoSubmitted: flag(raw, 'auto-submitted'),
      xAutoreply: flag(raw, 'x-autoreply'),
      xAutorespond: flag(raw, 'x-autorespond'),
      precedence: flag(raw, 'precedence'),
      listId: first(raw.get('list-id')),
      listUnsubscribe: first(raw.get('list-unsubscribe')),
      listOther: [...raw.keys()].filter((k) => LIST_HEADERS.test(k)),
      contentType: ctValue,
      reportType,
      xFailedRecipients: (raw.get('x-failed-recipients') ?? [])
        .flatMap((v) => v.split(/[,\s]+/))
        .map((v) => v.replace(/^<|>$/g, '').trim().toLowerCase())
        .filter((v) => v.includes('@')),
      xAutoResponseSuppress: flag(raw, 'x-auto-response-suppress'),
      xAutogenerated: flag(raw, 'x-autogenerated'),
      feedbackType: /^feedback-type:\s*([^\s;]+)/im.exec(feedback)?.[1]?.toLowerCase() ?? null,
      raw: Object.fromEntries([...raw].map(([k, v]) => [k, clean(decodeWords(redecodeLatin1(v[0] ?? ''))).slice(0, 500)])),
    },
    text,
    truncated,
    partTypes: [...partTypes],
    deliveryStatus,
    returnedMessageId: returnedHeaders.map((t) => firstMessageId(/^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(t)?.[1] ?? null)).find(Boolean) ?? null,
    attachments,
    warnings,
  };
}

/** Unfolded raw header values by lower-case name, in order (undecoded). */
function rawHeaders(lines: HeaderLines): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { key, line } of lines) {
    const idx = line.indexOf(':');
    const value = (idx >= 0 ? line.slice(idx + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
    const k = key.toLowerCase();
    const list = map.get(k) ?? [];
    list.push(value);
    map.set(k, list);
  }
  return map;
}

function first(values: string[] | undefined): string | null {
  const v = values?.[0];
  return v === undefined ? null : v;
}

function flag(raw: Map<string, string[]>, key: string): string | null {
  const v = first(raw.get(key));
  return v === null ? null : v.replace(/\s+/g, ' ').trim().slice(0, 500);
}

function messageIds(value: string): string[] {
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => normaliseMessageId(m[1]!));
  if (bracketed.length) return bracketed.filter(Boolean);
  return value
    .split(/[\s,]+/)
    .filter((v) => v.includes('@'))
    .map(normaliseMessageId)
    .filter(Boolean);
}

function firstMessageId(value: string | null): string | null {
  if (!value) return null;
  return messageIds(value)[0] ?? null;
}

function returnPath(value: string | null): string | null {
  if (value === null) return null;
  const m = /<([^<>]*)>/.exec(value);
  return (m ? m[1]! : value).trim().toLowerCase();
}

function parseDate(value: string | null): string | null {
  if (!value) return null;
  const cleaned = value
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const d = new Date(cleaned);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function subject(parsed: unknown, raw: string | null): string {
  if (raw && hasUtf7Word(raw)) return clean(decodeWords(raw));
  const value = typeof parsed === 'string' ? parsed : (raw ?? '');
  // raw 8-bit bytes in a header (an old mailer's KOI8-R subject): mailparser read them as UTF-8
  if (raw && value.includes('\ufffd')) return clean(decodeWords(redecodeLatin1(raw)));
  return clean(value);
}

/** A display name mailparser could not decode (raw 8-bit bytes): read again from the raw header. */
function nameFromRaw(name: string, address: string, raw: string[] | undefined): string {
  // mailparser reads raw 8-bit address headers as latin1 (or U+FFFD): only then is there anything to redo
  // eslint-disable-next-line no-control-regex
  const suspicious = name.includes('\ufffd') || (/[\u0080-\u00ff]/.test(name) && !/[^\u0000-\u00ff]/.test(name));
  if (!suspicious) return name;
  for (const line of raw ?? []) {
    if (!/[\u0080-\u00ff]/.test(line)) continue;
    const value = decodeWords(redecodeLatin1(line));
    const at = value.toLowerCase().indexOf(address);
    if (at < 0) continue;
    const before = value
      .slice(0, at)
      .replace(/[<\s]+$/, '')
      .split(',')
      .pop()!
      .replace(/^[\s"']+|[\s"']+$/g, '');
    if (before) return before;
  }
  return name;
}

function fromRaw(parsed: unknown, raw: string | null): string | null {
  const text = (parsed as AddressObject | undefined)?.text;
  const value = clean(typeof text === 'string' && text ? text : raw ? decodeWords(raw) : '');
  return value || null;
}

function clean(s: string): string {
  // control characters never belong in a subject or a name
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

function addresses(value: unknown, raw: string[] | undefined): EmailAddress[] {
  const objects = (Array.isArray(value) ? value : value ? [value] : []) as AddressObject[];
  const utf7 = (raw ?? []).some(hasUtf7Word);
  const out: EmailAddress[] = [];
  const visit = (list: AddressObject['value'] | undefined) => {
    for (const a of list ?? []) {
      if (a.group) visit(a.group);
      const address = (a.address ?? '').trim().toLowerCase();
      if (!address || !address.includes('@')) continue;
      let name = clean(a.name ?? '');
      if (utf7 && name) name = clean(decodeUtf7(name));
      name = clean(nameFromRaw(name, address, raw));
      out.push({ name: name && name.toLowerCase() !== address ? name : null, address });
    }
  };
  for (const o of objects) visit(o?.value);
  return out;
}

function bodyText(data: MessageText | undefined, max: number, warnings: string[]): { text: string; truncated: boolean } {
  let text = data?.text ?? '';
  if (!text.trim() && data?.html) {
    // html-to-text refused (too long / too deep): a crude tag strip of what the limit allows
    if (data.textConversionError) warnings.push(`html: ${data.textConversionError.message}`);
    text = data.html
      .slice(0, max * 4)
      .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, '\n')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&nbsp;/g, ' ')
      .replace(/[ \t]+/g, ' ');
  }
  text = text.replace(/\r\n?/g, '\n');
  if (text.length <= max) return { text, truncated: false };
  return { text: text.slice(0, max) + TRUNCATION_MARKER, truncated: true };
}
