// One OutboxItem delivered inside a BullMQ job, under the shared platform limits: the part
// of the outbound worker that does not depend on which queue the job came from. The outbound
// worker runs every queued item through it; the reminder worker runs a due reminder through
// it in the reminder's own job (one job per reminder delivery, not a second outbound job).
// - Limits come from ChannelRateLimiter (shared through Redis): a job takes a ticket on its
//   chat's clock, waits for its slot as a delayed job (no worker holds it), then takes the
//   send under the chat and per-bot limits. A sender's RateLimitedError (429 retry_after)
//   pushes the chat's clocks and puts the job back as delayed, keeping its ticket (order),
//   without spending an attempt.
// - A notice about a customer's message (item.notice) registers in its chat's fold set with
//   its ticket; the notice whose send is taken carries the others waiting there (at most
//   FOLD_MAX) in one summary (core/outbound/coalesce.ts), so a manager's chat offered more
//   than its limit gets fewer, fuller messages instead of a queue without end. A folded
//   notice's job finds its ledger row "coalesced" and ends; if the carrying message is not
//   sent, the notices are handed back (Redis and ledger) and go with the next one.
// - What a job must remember across a postpone (its ticket, the 429s waited out, the chat the
//   ticket is on) is a SendState the caller keeps in its job's data (`save`).
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { CoreContext } from '../../core/context.js';
import {
  deliverOutboxItem,
  itemAddress,
  recordGivenUp,
  type ChannelSenders,
  type DeliveryOutcome,
  type DeliveryTarget,
  type SendTaken,
} from '../../core/outbound/deliver.js';
import type { ClaimResult } from '../../core/outbound/ledger.js';
import { FOLD_MAX, foldable, foldedNotice, parseFoldedNotice, type FoldedNotice } from '../../core/outbound/coalesce.js';
import { RateLimitedError, type Outbox, type OutboxItem } from '../../core/ports.js';
import { CHANNELS } from '../../core/channels.js';
import type { FileStore } from '../../core/files/file-store.js';
import type { QueueSettings } from './connection.js';
import { ChannelRateLimiter, DEFAULT_CHANNEL_LIMITS, newSendHandle, type ChannelLimits, type FoldedEntry } from './rate-limit.js';
import { deliveryLedger } from '../db/delivery-ledger.js';
import { sends } from '../metrics/work-metrics.js';

/** What a delivering job keeps in its data between runs (zod: part of each such job's payload). */
export const sendStateSchema = z.object({
  /** the ticket this job holds on its chat's clock (Redis epoch ms; kept across postpones and retries) */
  slot: z.number().int().optional(),
  /** how many 429s this job has waited out */
  limited: z.number().int().min(0).optional(),
  /** the chat the ticket is on, once known (an item to an identity learns it from the ledger) */
  at: z.object({ channel: z.enum(CHANNELS), chatId: z.string().min(1) }).optional(),
});
export type SendState = z.infer<typeof sendStateSchema>;

export interface SendRunnerOptions {
  ctx: CoreContext;
  settings: QueueSettings;
  senders: ChannelSenders;
  /** where items' files are read (core/files) */
  files?: Pick<FileStore, 'get'>;
  /** where failure notices go (normally the outbound queue) */
  outbox: Outbox;
  logger?: Logger;
  limits?: ChannelLimits;
  /** added to every limit's interval and window (OUTBOUND_LIMIT_MARGIN_MS) */
  marginMs?: number;
  /** the bulk lane's share of the per-bot rate (OUTBOUND_BULK_SHARE) */
  bulkShare?: number;
  /** 429s waited out per job before it counts as a failed attempt */
  maxRateLimitWaits?: number;
  /** the jobs' lock duration (sendingStaleMs defaults to twice it, at least 60 s) */
  lockDurationMs?: number;
  /**
   * A send marked in progress longer ago than this is taken for a crashed worker's and sent
   * again (the at-least-once window); younger marks make a recovered job wait. Default 60 s.
   */
  sendingStaleMs?: number;
}

/** Waits shorter than this are slept in-process; longer ones put the job back as delayed. */
const INLINE_WAIT_MS = 250;
/**
 * A job whose turn it is (its ticket first, its slot due) waits for the chat's and the bot's
 * clocks in-process, up to this long in all (those waits are at most about one interval);
 * beyond it the job is put back as delayed.
 */
const INLINE_BUDGET_MS = 2500;

/**
 * A notice folded into another job's message looks at its ledger row again after this long
 * (by then the carrying message is normally recorded, and the row final).
 */
const FOLDED_RECHECK_MS = 1000;

/**
 * A notice that joined others waiting for its chat wakes this long after their slot: by then
 * the first of them has normally carried it (one job per message wakes at the slot, not all
 * of them); if that one did not, it carries them itself.
 */
const JOINED_GRACE_MS = 2000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SendJob {
  job: Job;
  token?: string;
  item: OutboxItem;
  /** what the job kept from its earlier runs */
  state: SendState;
  /** keeps the state in the job's data before it is put back as delayed */
  save: (state: SendState) => Promise<void>;
  /** the item's ledger claim, when the caller already made it (core/reminders: with the reminder's own) */
  claimed?: ClaimResult;
}

export interface SendRunner {
  /**
   * Delivers the item as part of the job: resolves to the outcome, or throws DelayedError (the
   * job was put back as delayed: a limit, a 429, a send another worker is inside),
   * UnrecoverableError (refused for good, recorded) or the transient error (retry).
   */
  deliver(send: SendJob): Promise<DeliveryOutcome>;
  /** Gives back the ticket a job kept from an earlier run when it will not send after all. */
  abandon(state: SendState): Promise<void>;
  /** how long a "sending" mark stays fresh (the ledger claims of callers that make their own) */
  readonly sendingStaleMs: number;
  /** the channels this process can send on (the ledger claims of callers that make their own) */
  readonly channels: string[];
  close(): Promise<void>;
}

export function createSendRunner(options: SendRunnerOptions): SendRunner {
  const { ctx, senders, outbox, logger } = options;
  const limiter = new ChannelRateLimiter(options.settings.redis, options.settings.prefix, options.limits ?? DEFAULT_CHANNEL_LIMITS, {
    marginMs: options.marginMs,
    bulkShare: options.bulkShare,
  });
  const maxWaits = options.maxRateLimitWaits ?? 20;
  const sendingStaleMs = options.sendingStaleMs ?? Math.max(60_000, 2 * (options.lockDurationMs ?? 30_000));
  const channels = Object.keys(senders).filter((c) => senders[c as keyof ChannelSenders]);

  const deliver = async ({ job, token, item, state, save, claimed }: SendJob): Promise<DeliveryOutcome> => {
    // every line about this send names the request (or message) it answers
    // (the request's or message's id; a send no message caused, a reminder, a digest, a mailing's
    // message, by its own dedupe key)
    const trace = item.traceId ?? item.dedupeKey;
    const log = trace ? logger?.child({ traceId: trace }) : logger;
    const lane = item.lane ?? 'interactive';
    let target: DeliveryTarget | undefined;
    let slot = state.slot;
    // the job's place in the bot's queue: its id; ordered by its chat slot, else by when it was enqueued
    const send = newSendHandle({ id: String(job.id), since: job.timestamp });

    const postpone = async (waitMs: number, patch: Partial<SendState>): Promise<never> => {
      // away from the bot's queue while delayed; back in its old place when it returns
      if (target) await limiter.leaveQueue(target.channel, send);
      const at = target ? { channel: target.channel, chatId: target.chatId } : state.at;
      await save({ ...state, slot, ...(at ? { at } : {}), ...patch });
      await job.moveToDelayed(Date.now() + Math.max(1, Math.ceil(waitMs)), token);
      throw new DelayedError();
    };
    /** a ticket on the chat's clock, taken once per job: its place in the chat's order */
    const ticket = async (channel: DeliveryTarget['channel'], chatId: string) => {
      if (slot !== undefined) return;
      // owned by the job: run again after its worker died, it gets this very ticket back
      const r = await limiter.reserveChat(channel, chatId, String(job.id));
      slot = r.slot;
      if (r.wait > INLINE_WAIT_MS) await postpone(r.wait, {});
    };

    // a reply's chat is known before any database work: its ticket is the first thing taken,
    // so the replies of one handled message keep their order
    const address = itemAddress(item);
    if (address.chat && senders[address.chat.channel]) await ticket(address.chat.channel, address.chat.chatId);

    /** the chat whose send this job took (finished once the platform call is over, whatever its outcome) */
    let taken: DeliveryTarget | undefined;
    const finish = async () => {
      if (!taken) return;
      const t = taken;
      taken = undefined;
      await limiter.finishSend(t.channel, t.chatId, send);
    };
    // a notice that may be folded with others waiting for its chat (coalescing)
    const fold = foldable(item) ? item : undefined;
    const group = String(item.workspaceId);
    /** the notices handed to this job's send: given back when it is not sent after all */
    const beforeSendFold = async (t: DeliveryTarget, notice: NonNullable<typeof fold>): Promise<SendTaken> => {
      const r = await limiter.reserveFold(t.channel, t.chatId, group, notice.dedupeKey, JSON.stringify(foldedNotice(notice)), slot ?? -1);
      // another notice's message took this one: look again once that is recorded
      if (r.status === 'folded') return postpone(FOLDED_RECHECK_MS, {});
      slot = r.slot;
      // one that joined waiting notices is normally carried by the first of them: it looks
      // again a while after their slot, by when its ledger row is final (or it carries them)
      if (r.joined && r.wait + JOINED_GRACE_MS > INLINE_WAIT_MS) await postpone(r.wait + JOINED_GRACE_MS, {});
      if (r.wait > INLINE_WAIT_MS) await postpone(r.wait, {});
      let waited = 0;
      for (;;) {
        const a = await limiter.acquireFold(t.channel, t.chatId, group, notice.dedupeKey, slot, FOLD_MAX, lane, send);
        if (a.status === 'taken') {
          taken = t;
          const folded: FoldedNotice[] = [];
          for (const f of a.folded) {
            const parsed = parseFoldedNotice(f.entry);
            if (parsed && parsed.dedupeKey === f.key) {
              folded.push(parsed);
              foldSlots.set(f.key, f);
            } else log?.warn({ key: f.key }, 'a folded notice did not read back: left to its own job');
          }
          return { folded };
        }
        // another notice's message carries this one: look again once that is recorded
        if (a.status === 'folded') await postpone(FOLDED_RECHECK_MS, {});
        else {
          const wait = a.wait;
          if (wait < 0) await postpone(-wait, {});
          if (waited + wait > INLINE_BUDGET_MS) await postpone(wait, {});
          waited += wait;
          await sleep(wait);
        }
      }
    };
    const foldSlots = new Map<string, FoldedEntry>();
    const unfold = async (t: DeliveryTarget, notices: FoldedNotice[]) => {
      const entries = notices.map((n) => foldSlots.get(n.dedupeKey)).filter((e): e is FoldedEntry => e !== undefined);
      await limiter.unfold(t.channel, t.chatId, group, entries);
    };
    const beforeSend = async (t: DeliveryTarget): Promise<void | SendTaken> => {
      target = t;
      if (fold && limiter.folds(t.channel, t.chatId)) return beforeSendFold(t, fold);
      await ticket(t.channel, t.chatId);
      let waited = 0;
      for (;;) {
        const wait = await limiter.acquireSend(t.channel, t.chatId, slot ?? -1, lane, send, String(job.id));
        if (wait === 0) {
          taken = t;
          return;
        }
        // an earlier message to this chat goes first: free this worker slot for it
        if (wait < 0) await postpone(-wait, {});
        if (waited + wait > INLINE_BUDGET_MS) await postpone(wait, {});
        waited += wait;
        await sleep(wait);
      }
    };
    const releaseTicket = async () => {
      const where = target ?? (address.chat ? { channel: address.chat.channel, chatId: address.chat.chatId } : state.at);
      if (where && slot !== undefined)
        await limiter.releaseSlot(where.channel, where.chatId, slot).catch((err) => log?.warn({ err }, 'could not release a chat ticket'));
    };

    try {
      const outcome = await deliverOutboxItem(ctx, senders, item, {
        ledger: deliveryLedger,
        claimed,
        files: options.files,
        beforeSend,
        unfold,
        afterSend: finish,
        outbox,
        sendingStaleMs,
        logger: log,
      });
      await finish(); // a refused send (no afterSend) is over too
      if (outcome.status === 'sent') {
        sends.inc({ channel: outcome.target.channel, outcome: 'sent' });
        log?.debug({ jobId: job.id, channel: outcome.target.channel, externalMessageId: outcome.externalMessageId }, 'sent');
      } else if (outcome.status === 'failed' && target) sends.inc({ channel: target.channel, outcome: 'refused' });
      // another process is inside the send of this very item: look again when it should be done
      if (outcome.status === 'busy') await postpone(Math.min(5000, sendingStaleMs / 2), {});
      if (outcome.status !== 'sent') await releaseTicket();
      if (outcome.status === 'failed') throw new UnrecoverableError(`permanent delivery failure: ${outcome.reason}`);
      if (outcome.status !== 'sent') log?.info({ jobId: job.id, outcome }, 'outbound item not sent');
      return outcome;
    } catch (e) {
      // the send was taken: the error is the platform call's (a 429, or one a retry may get past)
      const called = taken !== undefined;
      await finish().catch((err: unknown) => log?.warn({ err }, 'could not finish a send in the rate limiter'));
      if (e instanceof DelayedError || e instanceof UnrecoverableError) throw e;
      if (target && called) sends.inc({ channel: target.channel, outcome: e instanceof RateLimitedError ? 'rate_limited' : 'error' });
      if (e instanceof RateLimitedError && target) {
        const limited = (state.limited ?? 0) + 1;
        if (limited <= maxWaits) {
          log?.warn({ jobId: job.id, channel: target.channel, retryAfterMs: e.retryAfterMs }, 'rate limited by the platform; rescheduled');
          await limiter.penalize(target.channel, target.chatId, e.retryAfterMs, slot ?? -1);
          // back through the same clocks, keeping the ticket (the chat's order)
          await postpone(e.retryAfterMs + limiter.chatInterval(target.channel, target.chatId), { limited });
        }
      }
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsMade + 1 >= attempts) {
        const reason = `gave_up: ${(e as Error).message ?? String(e)}`.slice(0, 500);
        log?.error({ jobId: job.id, err: e }, 'outbound item failed for good');
        await releaseTicket();
        await recordGivenUp(ctx, item, 'failed', reason, outbox);
      } else {
        // keep the ticket (and its chat) for the retry
        if (slot !== undefined && slot !== state.slot) {
          const at = target ? { channel: target.channel, chatId: target.chatId } : state.at;
          await save({ ...state, slot, ...(at ? { at } : {}) });
        }
        log?.warn({ jobId: job.id, attempt: job.attemptsMade + 1, err: e }, 'outbound send failed; will retry');
      }
      throw e;
    }
  };

  return {
    deliver,
    async abandon(state) {
      if (state.at && state.slot !== undefined)
        await limiter.releaseSlot(state.at.channel, state.at.chatId, state.slot).catch((err) => logger?.warn({ err }, 'could not release a chat ticket'));
    },
    sendingStaleMs,
    channels,
    close: () => limiter.close(),
  };
}
