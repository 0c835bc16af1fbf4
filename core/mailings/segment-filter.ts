// A segment is a saved filter of contacts: tags (all of them), a deal stage, a lead source,
// an owner, the last contact before/after a date, and a channel the contact can be reached on.
// The filter is stored as JSON (Segment.filter, Mailing.filter) and read back through
// `segmentFilterSchema`; `parseSegmentFilter` reads the chat syntax
// ("tag:vip stage:Negotiation source:telegram owner:me after:2026-01-01 before:2026-06-01 channel:email",
// Russian keys too: тег, этап, источник, владелец, после, до, канал).
import { z } from 'zod';
import type { Prisma } from '../../prisma/generated/client.js';

/** The channels a mailing can reach customers on. */
export const MAILING_CHANNELS = ['telegram', 'slack', 'email'] as const;
export type MailingChannel = (typeof MAILING_CHANNELS)[number];

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const segmentFilterSchema = z
  .object({
    tags: z.array(z.string().min(1).max(100)).max(20).optional(),
    stage: z.string().min(1).max(100).optional(),
    source: z.enum(['telegram', 'slack', 'email', 'console', 'web']).optional(),
    ownerId: z.number().int().positive().optional(),
    lastContactBefore: isoDay.optional(),
    lastContactAfter: isoDay.optional(),
    channel: z.enum(MAILING_CHANNELS).optional(),
  })
  .strict();

export type SegmentFilter = z.infer<typeof segmentFilterSchema>;

const KEYS: Record<string, keyof SegmentFilter | 'owner'> = {
  tag: 'tags',
  тег: 'tags',
  stage: 'stage',
  этап: 'stage',
  source: 'source',
  источник: 'source',
  owner: 'owner',
  владелец: 'owner',
  after: 'lastContactAfter',
  после: 'lastContactAfter',
  before: 'lastContactBefore',
  до: 'lastContactBefore',
  channel: 'channel',
  канал: 'channel',
};

const CHANNEL_WORDS: Record<string, MailingChannel> = {
  telegram: 'telegram',
  tg: 'telegram',
  телеграм: 'telegram',
  slack: 'slack',
  слак: 'slack',
  email: 'email',
  'e-mail': 'email',
  почта: 'email',
};

export type FilterParse = { ok: true; filter: SegmentFilter; rest: string } | { ok: false; bad: string };

/**
 * Reads "key:value" words (values with spaces in double quotes) into a filter; the words that
 * are not filters are the `rest` (a segment's name). `me` as the owner is `selfId`.
 */
export function parseSegmentFilter(text: string, selfId: number): FilterParse {
  const filter: SegmentFilter = {};
  const rest: string[] = [];
  for (const m of text.matchAll(/(\S+?):(?:"([^"]*)"|(\S+))|(\S+)/gu)) {
    if (m[4] !== undefined) {
      rest.push(m[4]);
      continue;
    }
    const key = KEYS[m[1]!.toLowerCase()];
    const value = (m[2] ?? m[3] ?? '').trim();
    if (!key) {
      rest.push(m[0]);
      continue;
    }
    if (!value) return { ok: false, bad: m[0] };
    switch (key) {
      case 'tags':
        filter.tags = [...(filter.tags ?? []), value.toLowerCase()];
        break;
      case 'stage':
        filter.stage = value;
        break;
      case 'source':
      case 'channel': {
        const c =
          CHANNEL_WORDS[value.toLowerCase()] ?? (key === 'source' && ['console', 'web'].includes(value.toLowerCase()) ? value.toLowerCase() : undefined);
        if (!c) return { ok: false, bad: m[0] };
        if (key === 'channel') filter.channel = c as MailingChannel;
        else filter.source = c as SegmentFilter['source'];
        break;
      }
      case 'owner': {
        const v = value.toLowerCase();
        const id = v === 'me' || v === 'я' ? selfId : /^#?\d{1,9}$/.test(v) ? Number(v.replace('#', '')) : NaN;
        if (!Number.isFinite(id) || id <= 0) return { ok: false, bad: m[0] };
        filter.ownerId = id;
        break;
      }
      case 'lastContactAfter':
      case 'lastContactBefore':
        if (!isoDay.safeParse(value).success || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return { ok: false, bad: m[0] };
        filter[key] = value;
        break;
    }
  }
  return { ok: true, filter, rest: rest.join(' ').trim() };
}

/** The filter read back from stored JSON (an unreadable one matches nobody rather than everybody). */
export function storedFilter(json: unknown): SegmentFilter | null {
  const parsed = segmentFilterSchema.safeParse(json ?? {});
  return parsed.success ? parsed.data : null;
}

/** The contacts a filter selects, as a Prisma where (live contacts of the workspace, not merged away). */
export function contactWhere(workspaceId: number, f: SegmentFilter): Prisma.ContactWhereInput {
  const and: Prisma.ContactWhereInput[] = [{ workspaceId, erasedAt: null, mergedIntoId: null }];
  if (f.tags?.length) and.push({ tags: { hasEvery: f.tags } });
  if (f.stage) and.push({ deals: { some: { stage: { name: { equals: f.stage, mode: 'insensitive' } } } } });
  if (f.source) and.push({ leads: { some: { source: f.source } } });
  if (f.ownerId) and.push({ OR: [{ ownerId: f.ownerId }, { leads: { some: { assigneeId: f.ownerId } } }, { deals: { some: { ownerId: f.ownerId } } }] });
  if (f.lastContactAfter) and.push({ conversations: { some: { lastMessageAt: { gte: new Date(`${f.lastContactAfter}T00:00:00Z`) } } } });
  if (f.lastContactBefore) {
    const before = new Date(`${f.lastContactBefore}T00:00:00Z`);
    and.push({ conversations: { some: {} } }, { conversations: { none: { lastMessageAt: { gte: before } } } });
  }
  if (f.channel === 'email') and.push({ OR: [{ identities: { some: { channel: 'email' } } }, { emails: { some: { undeliverable: false } } }] });
  else if (f.channel) and.push({ identities: { some: { channel: f.channel } } });
  return { AND: and };
}

/** The filter in words, one "key:value" per condition (what the chat shows and accepts back). */
export function describeFilter(f: SegmentFilter): string {
  const parts: string[] = [];
  for (const tag of f.tags ?? []) parts.push(`tag:${tag}`);
  if (f.stage) parts.push(`stage:${/\s/.test(f.stage) ? `"${f.stage}"` : f.stage}`);
  if (f.source) parts.push(`source:${f.source}`);
  if (f.ownerId) parts.push(`owner:${f.ownerId}`);
  if (f.lastContactAfter) parts.push(`after:${f.lastContactAfter}`);
  if (f.lastContactBefore) parts.push(`before:${f.lastContactBefore}`);
  if (f.channel) parts.push(`channel:${f.channel}`);
  return parts.join(' ');
}
