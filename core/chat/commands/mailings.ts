// Segments and mailings from chat (heads and admins):
//   /segment NAME tag:vip stage:Negotiation source:telegram owner:me after:2026-01-01 before:2026-06-01 channel:email
//   /segments                      the saved segments
//   /mailing TEXT                  a draft; then buttons: a saved segment or everyone (per channel),
//                                  the counts per channel and a preview, Send / Choose again / Cancel
// Buttons: mail:seg:M:SEGMENT, mail:to:M:all|telegram|slack|email, mail:pick:M, mail:send:M, mail:cancel:M.
import type { Actor } from '../../actor.js';
import { t } from '../../i18n/index.js';
import type { Turn } from '../turn.js';
import { push } from '../turn.js';
import { reply, buttonRows, type Reply } from '../reply.js';
import type { Command } from './command.js';
import { parseId, say, usage } from './command.js';
import { assertCanMail, cancelMailing, chooseAudience, confirmMailing, createMailing, listSegments, saveSegment } from '../../mailings/mailings.js';
import { describeFilter, MAILING_CHANNELS, parseSegmentFilter, type SegmentFilter } from '../../mailings/segment-filter.js';
import type { AudienceCounts } from '../../mailings/audience.js';
import type { Mailing } from '../../../prisma/generated/client.js';

const QUICK = ['all', ...MAILING_CHANNELS] as const;

export const mailingCommands: Command[] = [
  {
    names: ['segment', 'сегмент'],
    run: async ({ turn, actor, args }) => {
      assertCanMail(actor);
      const parsed = parseSegmentFilter(args, actor.userId);
      if (!parsed.ok) return say(actor, 'mailing.segment.bad_filter', { value: parsed.bad });
      if (!parsed.rest) return usage(actor, t(actor.locale, 'mailing.segment.usage'));
      const { segment, created } = await saveSegment(turn.ctx, actor, parsed.rest, parsed.filter);
      return say(actor, created ? 'mailing.segment.saved' : 'mailing.segment.updated', {
        name: segment.name,
        filter: describeFilter(parsed.filter) || t(actor.locale, 'mailing.segment.everyone'),
      });
    },
  },
  {
    names: ['segments', 'сегменты'],
    run: async ({ turn, actor }) => {
      const segments = await listSegments(turn.ctx, actor);
      if (!segments.length) return say(actor, 'mailing.segments.empty');
      const lines = segments.map((s) => `• ${s.name}: ${describeFilter((s.filter ?? {}) as SegmentFilter) || t(actor.locale, 'mailing.segment.everyone')}`);
      return [reply([t(actor.locale, 'mailing.segments.title', { count: segments.length }), ...lines].join('\n'))];
    },
  },
  {
    names: ['mailing', 'рассылка'],
    run: async ({ turn, actor, args }) => {
      assertCanMail(actor);
      if (!args) return usage(actor, t(actor.locale, 'mailing.usage'));
      const mailing = await createMailing(turn.ctx, actor, { text: args });
      return pickAudience(turn, actor, mailing);
    },
  },
];

async function pickAudience(turn: Turn, actor: Actor, mailing: Pick<Mailing, 'id'>): Promise<Reply[]> {
  const segments = await listSegments(turn.ctx, actor, 8);
  const buttons = [
    ...segments.map((s) => ({ label: s.name.slice(0, 40), data: `mail:seg:${mailing.id}:${s.id}` })),
    ...QUICK.map((q) => ({ label: t(actor.locale, `mailing.quick.${q}`), data: `mail:to:${mailing.id}:${q}` })),
  ];
  return [
    reply(t(actor.locale, 'mailing.pick', { id: mailing.id }), [
      ...buttonRows(buttons, 2),
      [{ label: t(actor.locale, 'mailing.button.cancel'), data: `mail:cancel:${mailing.id}` }],
    ]),
  ];
}

function preview(actor: Actor, mailing: Mailing, counts: AudienceCounts, segmentName: string | null): Reply[] {
  const filter = describeFilter((mailing.filter ?? {}) as SegmentFilter);
  const audience = segmentName ?? (filter || t(actor.locale, 'mailing.segment.everyone'));
  const skipped = Object.values(counts.skipped).reduce((a, b) => a + b, 0);
  const text = [
    t(actor.locale, 'mailing.preview.title', { id: mailing.id, audience }),
    t(actor.locale, 'mailing.preview.counts', {
      total: counts.total,
      telegram: counts.byChannel.telegram,
      slack: counts.byChannel.slack,
      email: counts.byChannel.email,
    }),
    ...(skipped
      ? [
          t(actor.locale, 'mailing.preview.skipped', {
            count: skipped,
            opted_out: counts.skipped.opted_out,
            blocked: counts.skipped.blocked + counts.skipped.unreachable,
            no_channel: counts.skipped.no_channel,
          }),
        ]
      : []),
    '',
    t(actor.locale, 'mailing.preview.text'),
    mailing.text,
    '',
    t(actor.locale, 'mailing.footer.reply'),
  ].join('\n');
  const buttons = [
    ...(counts.total > 0 ? [[{ label: t(actor.locale, 'mailing.button.send', { count: counts.total }), data: `mail:send:${mailing.id}` }]] : []),
    [
      { label: t(actor.locale, 'mailing.button.pick'), data: `mail:pick:${mailing.id}` },
      { label: t(actor.locale, 'mailing.button.cancel'), data: `mail:cancel:${mailing.id}` },
    ],
  ];
  return [reply(text, buttons)];
}

/** The mail:* buttons. */
export async function mailingAction(turn: Turn, actor: Actor, verb: string, idText: string, arg?: string): Promise<Reply[]> {
  const id = parseId(idText);
  if (!id) return say(actor, 'chat.customer.button_ignored');
  switch (verb) {
    case 'seg': {
      const segmentId = parseId(arg);
      if (!segmentId) return say(actor, 'chat.customer.button_ignored');
      const r = await chooseAudience(turn.ctx, actor, id, { segmentId });
      return preview(actor, r.mailing, r.counts, r.segmentName);
    }
    case 'to': {
      if (!arg || !(QUICK as readonly string[]).includes(arg)) return say(actor, 'chat.customer.button_ignored');
      const filter: SegmentFilter = arg === 'all' ? {} : { channel: arg as SegmentFilter['channel'] };
      const r = await chooseAudience(turn.ctx, actor, id, { filter });
      return preview(actor, r.mailing, r.counts, null);
    }
    case 'pick':
      assertCanMail(actor);
      return pickAudience(turn, actor, { id });
    case 'cancel':
      await cancelMailing(turn.ctx, actor, id);
      return say(actor, 'mailing.cancelled', { id });
    case 'send': {
      await confirmMailing(turn.ctx, actor, id, { reportIdentityId: turn.speakerIdentityId ?? null, jobs: turn.deps.mailings });
      if (!turn.speakerIdentityId) return say(actor, 'mailing.started', { id });
      push(turn, { identityId: turn.speakerIdentityId, text: t(actor.locale, 'mailing.started', { id }), dedupeKey: `mailing:${id}:started` });
      return [];
    }
  }
  return say(actor, 'chat.customer.button_ignored');
}
