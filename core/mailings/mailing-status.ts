// Mailings as an operator looks at them outside chat (`leadline mailing list|report`): the
// workspace's mailings with their state and recipients, and one mailing's report (sent per
// channel, and every recipient not sent with its reason: run-mailing.ts mailingReport).
import type { Actor } from '../actor.js';
import type { CoreContext } from '../context.js';
import { notFound } from '../errors.js';
import { assertCanMail } from './mailings.js';
import { mailingReport, type MailingReport } from './run-mailing.js';

export interface MailingSummary {
  id: number;
  /** draft | sending | done | cancelled */
  status: string;
  subject: string | null;
  /** the text's first line, at most 80 characters */
  preview: string;
  segmentId: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** recipients resolved so far (all of them once it is under way) */
  recipients: number;
}

function summary(m: {
  id: number;
  status: string;
  subject: string | null;
  text: string;
  segmentId: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  _count: { recipients: number };
}): MailingSummary {
  const first = m.text.split('\n')[0]!.trim();
  return {
    id: m.id,
    status: m.status,
    subject: m.subject,
    preview: first.length > 80 ? `${first.slice(0, 79)}…` : first,
    segmentId: m.segmentId,
    createdAt: m.createdAt,
    startedAt: m.startedAt,
    finishedAt: m.finishedAt,
    recipients: m._count.recipients,
  };
}

/** The workspace's mailings, newest first (`limit`, at most 500). Heads and admins only. */
export async function listMailings(ctx: CoreContext, actor: Actor, limit = 50): Promise<MailingSummary[]> {
  assertCanMail(actor);
  const rows = await ctx.db.mailing.findMany({
    where: { workspaceId: actor.workspaceId },
    orderBy: { id: 'desc' },
    take: Math.min(Math.max(1, limit), 500),
    include: { _count: { select: { recipients: true } } },
  });
  return rows.map(summary);
}

/** One mailing of the workspace with its report so far. Heads and admins only. */
export async function mailingStatus(ctx: CoreContext, actor: Actor, id: number): Promise<{ mailing: MailingSummary; report: MailingReport }> {
  assertCanMail(actor);
  const m = await ctx.db.mailing.findFirst({ where: { id, workspaceId: actor.workspaceId }, include: { _count: { select: { recipients: true } } } });
  if (!m) throw notFound('what.mailing', { id });
  return { mailing: summary(m), report: await mailingReport(ctx, id) };
}
