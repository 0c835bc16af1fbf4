// Who a mailing reaches: the live contacts a segment filter selects, each on one channel
// (the filter's channel, else the first reachable of Telegram, Slack, email: CHANNELS order),
// or skipped with a reason (opted out, blocked the bot, unreachable, no channel).
import type { DbOrTx } from '../db.js';
import { BLOCKED_REASON } from '../chat/chat-event.js';
import { contactWhere, MAILING_CHANNELS, type MailingChannel, type SegmentFilter } from './segment-filter.js';

export type SkipReason = 'opted_out' | 'blocked' | 'unreachable' | 'no_channel';

export interface AudienceMember {
  contactId: number;
  /** the identity to reach (null: an email address of the contact without an identity) */
  identityId: number | null;
  channel: MailingChannel | null;
  /** the address for an identity-less email recipient */
  chatId: string | null;
  languageCode: string | null;
  skip: SkipReason | null;
}

const PAGE = 1000;

/** Every contact the filter selects, in id order, with the channel it is mailed on or why not. */
export async function resolveAudience(db: DbOrTx, workspaceId: number, filter: SegmentFilter): Promise<AudienceMember[]> {
  const out: AudienceMember[] = [];
  const where = contactWhere(workspaceId, filter);
  const channels = filter.channel ? [filter.channel] : [...MAILING_CHANNELS];
  let after = 0;
  for (;;) {
    const page = await db.contact.findMany({
      where: { AND: [where, { id: { gt: after } }] },
      orderBy: { id: 'asc' },
      take: PAGE,
      select: {
        id: true,
        mailingOptOutAt: true,
        identities: {
          where: { channel: { in: channels }, chatId: { not: null } },
          select: { id: true, channel: true, chatId: true, unreachable: true, unreachableReason: true, languageCode: true },
        },
        emails: { where: { undeliverable: false }, select: { email: true }, orderBy: { id: 'asc' }, take: 1 },
      },
    });
    for (const c of page) out.push(member(c, channels));
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.id;
  }
  return out;
}

type ContactRow = {
  id: number;
  mailingOptOutAt: Date | null;
  identities: Array<{
    id: number;
    channel: string;
    chatId: string | null;
    unreachable: boolean;
    unreachableReason: string | null;
    languageCode: string | null;
  }>;
  emails: Array<{ email: string }>;
};

function member(c: ContactRow, channels: MailingChannel[]): AudienceMember {
  const base = { contactId: c.id, identityId: null, channel: null, chatId: null, languageCode: null };
  if (c.mailingOptOutAt) return { ...base, skip: 'opted_out' };
  const ordered = [...c.identities].sort(
    (a, b) => channels.indexOf(a.channel as MailingChannel) - channels.indexOf(b.channel as MailingChannel) || a.id - b.id,
  );
  const reachable = ordered.find((i) => !i.unreachable);
  if (reachable) {
    return { ...base, identityId: reachable.id, channel: reachable.channel as MailingChannel, languageCode: reachable.languageCode, skip: null };
  }
  const email = c.emails[0]?.email;
  if (email && channels.includes('email') && !ordered.some((i) => i.channel === 'email')) {
    return { ...base, channel: 'email', chatId: email, languageCode: ordered[0]?.languageCode ?? null, skip: null };
  }
  if (ordered.length)
    return {
      ...base,
      skip: ordered.some((i) => i.unreachableReason === BLOCKED_REASON || /blocked/i.test(i.unreachableReason ?? '')) ? 'blocked' : 'unreachable',
    };
  return { ...base, skip: 'no_channel' };
}

export interface AudienceCounts {
  total: number;
  byChannel: Record<MailingChannel, number>;
  skipped: Record<SkipReason, number>;
}

export function countAudience(members: AudienceMember[]): AudienceCounts {
  const counts: AudienceCounts = {
    total: 0,
    byChannel: { telegram: 0, slack: 0, email: 0 },
    skipped: { opted_out: 0, blocked: 0, unreachable: 0, no_channel: 0 },
  };
  for (const m of members) {
    if (m.skip) counts.skipped[m.skip]++;
    else {
      counts.total++;
      counts.byChannel[m.channel!]++;
    }
  }
  return counts;
}
