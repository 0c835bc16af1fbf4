// The `mailings` job of one confirmed mailing, run again every few seconds until it is done.
// What happens once, what may repeat, and why nothing is lost or sent twice:
// - The audience is claimed once per contact: MailingRecipient (mailingId, contactId) is
//   unique, so a job run again after its worker died adds nobody twice; contacts that opted
//   out, blocked the bot or have no channel are claimed as "skipped" with the reason.
// - Each pending recipient becomes one OutboxItem on the bulk lane with the dedupe key
//   "mailing:<id>:c<contactId>", then is marked "queued". A crash between the two queues it
//   again: the outbound queue's job id and the OutboundDelivery ledger make that a no-op.
//   The outbound path sends it at the platform limits, below replies and reminders.
// - The outcome of a queued recipient is its ledger row (sent | failed | skipped); the job
//   counts them, edits the head's one progress message, and once every queued recipient is
//   final marks the mailing done and sends the report (sent per channel, skipped and why).
//   Every so often (the job says when) the recipients still open are queued again, in case
//   their outbound jobs were lost with Redis; for the others that is a no-op (job id).
import type { CoreContext } from '../context.js';
import type { Outbox, OutboxItem } from '../ports.js';
import { resolveLocale, t, type Locale, type MessageKey } from '../i18n/index.js';
import { recordChange } from '../audit.js';
import { storedFilter, type MailingChannel } from './segment-filter.js';
import { resolveAudience, type SkipReason } from './audience.js';
import { unsubscribeToken } from './opt-out.js';
import { NotYetVisibleError } from '../ai/jobs.js';

export interface MailingRunOptions {
  /** the web role's public URL: email mailings get a List-Unsubscribe one-click link (RFC 8058) */
  linkBaseUrl?: string;
  /** the unsubscribe links' signing key */
  linkSecret?: string;
  /** how often the progress is looked at (and the progress message edited), ms */
  progressMs?: number;
  /** recipients queued per round trip */
  batch?: number;
}

export interface MailingStepInput {
  /**
   * Queue again the recipients whose outcome is still open (their outbound job may have been
   * lost with Redis): a no-op for those still queued, as their dedupe key is their job id.
   */
  requeueOpen?: boolean;
}

export type MailingStep = { status: 'done' | 'gone' } | { status: 'waiting'; againInMs: number };

const FINAL = new Set(['sent', 'failed', 'skipped']);

export const recipientKey = (mailingId: number, contactId: number) => `mailing:${mailingId}:c${contactId}`;
const progressKey = (mailingId: number, tick: number) => `mailing:${mailingId}:p${tick}`;

export async function runMailingStep(
  ctx: CoreContext,
  outbox: Outbox,
  mailingId: number,
  opts: MailingRunOptions = {},
  input: MailingStepInput = {},
): Promise<MailingStep> {
  const mailing = await ctx.db.mailing.findUnique({ where: { id: mailingId }, include: { workspace: { select: { locale: true, name: true } } } });
  if (!mailing) throw new NotYetVisibleError(`mailing ${mailingId}`);
  // the confirming turn has not committed yet (or was rolled back: the job gives up after its retries)
  if (mailing.status === 'draft') throw new NotYetVisibleError(`mailing ${mailingId}`);
  if (mailing.status !== 'sending') return { status: 'gone' };
  const progressMs = opts.progressMs ?? 3000;
  const locale: Locale = resolveLocale(mailing.locale);

  if (mailing.queuedCount === null) {
    await claimAudience(ctx, mailing.workspaceId, mailing.id, mailing.filter);
    await queuePending(ctx, outbox, mailing, opts);
    const queued = await ctx.db.mailingRecipient.count({ where: { mailingId, status: 'queued' } });
    // the head's progress message (edited in place from now on), queued before the count is
    // stored: a run that dies in between sends it again (a no-op: its dedupe key)
    if (mailing.reportIdentityId) {
      await outbox.enqueue({
        workspaceId: mailing.workspaceId,
        identityId: mailing.reportIdentityId,
        text: t(locale, 'mailing.progress', { id: mailingId, done: 0, total: queued, percent: 0, skipped: 0 }),
        dedupeKey: progressKey(mailingId, 0),
      });
    }
    await ctx.db.mailing.update({ where: { id: mailingId }, data: { queuedCount: queued } });
    mailing.queuedCount = queued;
  }

  const outcome = await outcomes(ctx, mailingId);
  const done = outcome.final >= mailing.queuedCount;
  // the progress message, edited (a tick whose first message is not out yet is skipped)
  if (mailing.reportIdentityId) {
    const first = await ctx.db.outboundDelivery.findUnique({
      where: { dedupeKey: progressKey(mailingId, 0) },
      select: { status: true, externalMessageId: true },
    });
    if (first?.status === 'sent' && first.externalMessageId && (outcome.final > 0 || done)) {
      const tick = mailing.progressTick + 1;
      await ctx.db.mailing.update({ where: { id: mailingId }, data: { progressTick: tick } });
      const total = mailing.queuedCount;
      await outbox.enqueue({
        workspaceId: mailing.workspaceId,
        identityId: mailing.reportIdentityId,
        text: t(locale, done ? 'mailing.progress_done' : 'mailing.progress', {
          id: mailingId,
          done: outcome.final,
          total,
          percent: total ? Math.floor((outcome.final * 100) / total) : 100,
          skipped: outcome.failed + outcome.skipped,
        }),
        editOf: first.externalMessageId,
        dedupeKey: progressKey(mailingId, tick),
      });
    }
  }
  if (!done) {
    if (input.requeueOpen) await requeueOpen(ctx, outbox, mailing, opts);
    return { status: 'waiting', againInMs: progressMs };
  }

  const finishedAt = ctx.clock.now();
  const closed = await ctx.db.mailing.updateMany({ where: { id: mailingId, status: 'sending' }, data: { status: 'done', finishedAt } });
  if (closed.count === 1) {
    const report = await mailingReport(ctx, mailingId);
    await recordChange(
      ctx.db,
      { workspaceId: mailing.workspaceId, userId: null },
      { type: 'mailing.finished', data: { mailingId, ...report.counts } },
      {
        action: 'mailing.finish',
        entity: 'mailing',
        entityId: mailingId,
        before: { status: 'sending' },
        after: { status: 'done', ...report.counts },
        actorKind: 'system',
      },
    );
    if (mailing.reportIdentityId) {
      await outbox.enqueue({
        workspaceId: mailing.workspaceId,
        identityId: mailing.reportIdentityId,
        text: reportText(locale, mailingId, report),
        dedupeKey: `mailing:${mailingId}:report`,
      });
    }
  }
  return { status: 'done' };
}

async function claimAudience(ctx: CoreContext, workspaceId: number, mailingId: number, filterJson: unknown) {
  const filter = storedFilter(filterJson) ?? {};
  const members = await resolveAudience(ctx.db, workspaceId, filter);
  for (let i = 0; i < members.length; i += 1000) {
    await ctx.db.mailingRecipient.createMany({
      data: members.slice(i, i + 1000).map((m) => ({
        mailingId,
        contactId: m.contactId,
        identityId: m.identityId,
        channel: m.channel,
        status: m.skip ? 'skipped' : 'pending',
        reason: m.skip,
        address: m.chatId,
        languageCode: m.languageCode,
      })),
      skipDuplicates: true,
    });
  }
}

type MailingRow = { id: number; workspaceId: number; text: string; subject: string | null; workspace: { locale: string; name: string } };

async function queuePending(ctx: CoreContext, outbox: Outbox, mailing: MailingRow, opts: MailingRunOptions) {
  const batch = opts.batch ?? 500;
  for (;;) {
    const pending = await ctx.db.mailingRecipient.findMany({ where: { mailingId: mailing.id, status: 'pending' }, orderBy: { id: 'asc' }, take: batch });
    if (pending.length === 0) return;
    const items = pending.map((r) => recipientItem(mailing, r, opts));
    if (outbox.enqueueMany) await outbox.enqueueMany(items);
    else for (const item of items) await outbox.enqueue(item);
    await ctx.db.mailingRecipient.updateMany({ where: { id: { in: pending.map((r) => r.id) }, status: 'pending' }, data: { status: 'queued' } });
  }
}

/** The queued recipients without a final ledger row, queued again (same dedupe keys). */
async function requeueOpen(ctx: CoreContext, outbox: Outbox, mailing: MailingRow, opts: MailingRunOptions) {
  const final = await ctx.db.outboundDelivery.findMany({
    where: { dedupeKey: { startsWith: `mailing:${mailing.id}:c` }, status: { in: [...FINAL] } },
    select: { dedupeKey: true },
  });
  const done = new Set(final.map((f) => f.dedupeKey));
  const queued = await ctx.db.mailingRecipient.findMany({ where: { mailingId: mailing.id, status: 'queued' }, orderBy: { id: 'asc' } });
  const open = queued.filter((r) => !done.has(recipientKey(mailing.id, r.contactId))).map((r) => recipientItem(mailing, r, opts));
  for (let i = 0; i < open.length; i += opts.batch ?? 500) {
    const items = open.slice(i, i + (opts.batch ?? 500));
    if (outbox.enqueueMany) await outbox.enqueueMany(items);
    else for (const item of items) await outbox.enqueue(item);
  }
}

function recipientItem(
  mailing: MailingRow,
  r: { contactId: number; identityId: number | null; channel: MailingChannel | string | null; address: string | null; languageCode: string | null },
  opts: MailingRunOptions,
): OutboxItem {
  const locale = resolveLocale(r.languageCode, mailing.workspace.locale);
  const item: OutboxItem = {
    workspaceId: mailing.workspaceId,
    ...(r.identityId ? { identityId: r.identityId } : { chat: { channel: 'email' as const, chatId: r.address! } }),
    lane: 'bulk',
    text: '',
    dedupeKey: recipientKey(mailing.id, r.contactId),
    mailingContactId: r.contactId,
  };
  if (r.channel === 'email') {
    const link =
      opts.linkBaseUrl && opts.linkSecret
        ? `${opts.linkBaseUrl.replace(/\/+$/, '')}/unsubscribe/${unsubscribeToken(opts.linkSecret, mailing.workspaceId, r.contactId)}`
        : null;
    item.subject = mailing.subject ?? subjectOf(mailing.text, mailing.workspace.name);
    item.text = `${mailing.text}\n\n--\n${t(locale, link ? 'mailing.footer.email_link' : 'mailing.footer.reply', { url: link })}`;
    item.headers = { Precedence: 'bulk', ...(link ? { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}) };
  } else item.text = `${mailing.text}\n\n${t(locale, 'mailing.footer.reply')}`;
  return item;
}

/** An email's subject: the text's first line, cut at a word within 78 characters. */
function subjectOf(text: string, fallback: string): string {
  const line =
    text
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? fallback;
  if (line.length <= 78) return line;
  const cut = line.slice(0, 77);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 40 ? cut.lastIndexOf(' ') : 77)}…`;
}

async function outcomes(ctx: CoreContext, mailingId: number) {
  const rows = await ctx.db.outboundDelivery.groupBy({
    by: ['status'],
    where: { dedupeKey: { startsWith: `mailing:${mailingId}:c` } },
    _count: { _all: true },
  });
  const n = (s: string) => rows.find((r) => r.status === s)?._count._all ?? 0;
  const final = rows.filter((r) => FINAL.has(r.status)).reduce((a, r) => a + r._count._all, 0);
  return { final, sent: n('sent'), failed: n('failed'), skipped: n('skipped') };
}

export interface MailingReport {
  counts: { sent: number; skipped: number; failed: number };
  sentBy: Record<MailingChannel, number>;
  /** skipped before sending (opted out, blocked, no channel) and refused or skipped by the platform path */
  reasons: Record<string, number>;
}

/** Sent per channel, and every recipient not sent with its reason. */
export async function mailingReport(ctx: CoreContext, mailingId: number): Promise<MailingReport> {
  const recipients = await ctx.db.mailingRecipient.findMany({ where: { mailingId }, select: { contactId: true, channel: true, status: true, reason: true } });
  const ledger = await ctx.db.outboundDelivery.findMany({
    where: { dedupeKey: { startsWith: `mailing:${mailingId}:c` } },
    select: { dedupeKey: true, status: true, error: true },
  });
  const byKey = new Map(ledger.map((l) => [l.dedupeKey, l]));
  const report: MailingReport = { counts: { sent: 0, skipped: 0, failed: 0 }, sentBy: { telegram: 0, slack: 0, email: 0 }, reasons: {} };
  const why = (reason: string) => (report.reasons[reason] = (report.reasons[reason] ?? 0) + 1);
  for (const r of recipients) {
    if (r.status === 'skipped') {
      report.counts.skipped++;
      why(r.reason ?? 'unknown');
      continue;
    }
    const l = byKey.get(recipientKey(mailingId, r.contactId));
    if (l?.status === 'sent') {
      report.counts.sent++;
      if (r.channel && r.channel in report.sentBy) report.sentBy[r.channel as MailingChannel]++;
    } else if (l?.status === 'failed') {
      report.counts.failed++;
      why(normalReason(l.error));
    } else {
      report.counts.skipped++;
      why(normalReason(l?.error ?? null));
    }
  }
  return report;
}

/** The ledger's reason in the report's words: "unreachable: blocked" is "blocked". */
function normalReason(error: string | null): string {
  const e = (error ?? 'unknown').replace(/^unreachable: /, '');
  return /blocked/i.test(e) ? 'blocked' : e.slice(0, 60);
}

const REASON_KEYS: Record<SkipReason | string, MessageKey> = {
  opted_out: 'mailing.reason.opted_out',
  blocked: 'mailing.reason.blocked',
  unreachable: 'mailing.reason.unreachable',
  no_channel: 'mailing.reason.no_channel',
};

export function reportText(locale: Locale, id: number, r: MailingReport): string {
  const lines = [
    t(locale, 'mailing.report', { id, sent: r.counts.sent, telegram: r.sentBy.telegram, slack: r.sentBy.slack, email: r.sentBy.email }),
    t(locale, 'mailing.report_skipped', { count: r.counts.skipped + r.counts.failed }),
  ];
  for (const [reason, count] of Object.entries(r.reasons).sort((a, b) => b[1] - a[1])) {
    const key = REASON_KEYS[reason];
    lines.push(`• ${key ? t(locale, key) : reason}: ${count}`);
  }
  return lines.join('\n');
}
