// What a scheduled digest job sends: the subscription's digest composed now, rendered in the
// user's language, with the chart when there is one, addressed to the user's reachable
// messenger identity. Returns null (with the reason) when there is nothing to send.
import { miniAppButtonRow } from '../miniapp/open-button.js';
import type { CoreContext } from '../context.js';
import type { OutboxItem } from '../ports.js';
import { t } from '../i18n/index.js';
import { CHANNELS } from '../channels.js';
import type { Digest } from './digest.js';
import { isTeamDigest } from './digest.js';
import { composeDigest } from './compose-digest.js';
import { DigestRun } from './digest-run.js';
import { effectiveTimeZone, localDateKey } from '../time/zoned.js';
import { isHolidayAt, readBusinessHours } from '../time/business-hours.js';
import { renderDigestText } from './render-text.js';
import { digestTargetIdentity } from './digest-target.js';

/** Renders the chart PNG of a digest; injected by the composition root (connectors/charts). */
export type DigestChartRenderer = (digest: Digest) => Promise<Uint8Array>;

export type DigestSkipReason = 'subscription_missing' | 'disabled' | 'user_inactive' | 'no_reachable_identity' | 'holiday';

export type PreparedDigest = { item: OutboxItem; digest: Digest; chartError?: unknown } | { skipped: DigestSkipReason };

/** Where digests go, best first: the messenger the user reads, then email. */

export async function prepareDigestDelivery(
  ctx: CoreContext,
  subscriptionId: number,
  now: Date,
  options: { chart?: DigestChartRenderer; run?: DigestRun; miniAppUrl?: string } = {},
): Promise<PreparedDigest> {
  const sub = await ctx.db.digestSubscription.findUnique({
    where: { id: subscriptionId },
    select: {
      kind: true,
      enabled: true,
      target: true,
      user: {
        select: {
          id: true,
          active: true,
          workspaceId: true,
          timezone: true,
          workspace: { select: { timezone: true, holidays: true } },
          identities: { where: { unreachable: false, chatId: { not: null } }, select: { id: true, channel: true } },
        },
      },
    },
  });
  if (!sub) return { skipped: 'subscription_missing' };
  if (!sub.enabled) return { skipped: 'disabled' };
  if (!sub.user.active) return { skipped: 'user_inactive' };
  // no daily digest on the workspace's days off (the weekly one still comes: it sums a week)
  if (sub.kind !== 'team_weekly' && onHoliday(sub.user.workspace, effectiveTimeZone(sub.user.timezone, sub.user.workspace.timezone), now))
    return { skipped: 'holiday' };
  // a team digest routed to a channel (e.g. /crm digest channel #sales) goes there instead
  const routed = sub.kind !== 'today' ? await digestTargetIdentity(ctx.db, sub.user.workspaceId, sub.target) : null;
  const identity = routed ?? [...sub.user.identities].sort((a, b) => CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel) || a.id - b.id)[0];
  if (!identity) return { skipped: 'no_reachable_identity' };

  const digest = await composeDigest(ctx, sub.user.id, sub.kind, now, options.run ?? new DigestRun(now));
  const locale = digest.recipient.locale;
  const item: OutboxItem = {
    workspaceId: sub.user.workspaceId,
    identityId: identity.id,
    text: renderDigestText(digest, locale),
    // after answers, notifications and reminders (the outbound queue's lanes)
    lane: 'digest',
    ref: { userId: sub.user.id },
    // one digest per subscription and local day, whatever the retries or duplicate ticks
    dedupeKey: `digest:${subscriptionId}:${localDateKey(now, digest.recipient.timezone)}`,
  };
  // on Telegram, a button that opens the board (the Mini App) under the digest
  const open = miniAppButtonRow(locale, options.miniAppUrl, identity.channel);
  if (open.length) item.buttons = open;
  let chartError: unknown;
  if (options.chart && isTeamDigest(digest)) {
    try {
      const png = await options.chart(digest);
      item.image = { pngBase64: Buffer.from(png).toString('base64'), filename: `${digest.kind}.png`, caption: t(locale, 'digest.chart.caption') };
    } catch (e) {
      // the text is complete without the chart: send it anyway and let the caller log this
      chartError = e;
    }
  }
  return { item, digest, chartError };
}

/** Whether `now` is on one of the workspace's holidays, on the calendar of the zone the digest fires in. */
function onHoliday(ws: { timezone: string; holidays: unknown }, timeZone: string, now: Date): boolean {
  const { hours } = readBusinessHours(null, ws.holidays);
  return isHolidayAt(hours?.holidays, timeZone, now);
}
