// Long polling: getUpdates in a loop, each update handed to the intake. Telegram allows one
// poller per bot, so the loop runs only while this process holds a Redis lease; others wait
// and take over if the holder dies. After an empty answer it backs off briefly (some Bot API
// emulators return at once instead of holding the request for `timeout` seconds).
import type { Api } from 'grammy';
import type { TelegramIntake } from './telegram-intake.js';
import { ALLOWED_UPDATES } from './telegram-update.js';

export interface PollingLease {
  tryAcquire(): Promise<boolean>;
  release(): Promise<void>;
  held: boolean;
}

export interface PollingOptions {
  api: Api;
  intake: TelegramIntake;
  lease?: PollingLease;
  /** seconds Telegram may hold getUpdates open */
  timeoutSeconds?: number;
  idleBackoffMs?: number;
  logger?: { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };
}

export interface Poller {
  stop(): Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

export function startPolling(opts: PollingOptions): Poller {
  const abort = new AbortController();
  const log = opts.logger;
  const loop = async () => {
    // wait for the lease (another process may be polling)
    if (opts.lease) {
      let announced = false;
      while (!abort.signal.aborted && !(await opts.lease.tryAcquire().catch(() => false))) {
        if (!announced) log?.info({}, 'another process is polling Telegram; this one waits and takes over if it stops');
        announced = true;
        await sleep(10_000, abort.signal);
      }
    }
    if (abort.signal.aborted) return;
    await opts.api.deleteWebhook().catch((e: Error) => log?.warn({ err: e }, 'deleteWebhook failed'));
    log?.info({}, 'Telegram long polling started');
    let offset: number | undefined;
    let failures = 0;
    while (!abort.signal.aborted) {
      if (opts.lease && !opts.lease.held) {
        log?.warn({}, 'lost the Telegram polling lease; stopping polling here');
        return;
      }
      try {
        const updates = await opts.api.getUpdates({ offset, timeout: opts.timeoutSeconds ?? 25, allowed_updates: [...ALLOWED_UPDATES] }, abort.signal as never);
        failures = 0;
        for (const u of updates) {
          await opts.intake.handleUpdate(u);
          offset = u.update_id + 1;
        }
        if (updates.length === 0) await sleep(opts.idleBackoffMs ?? 500, abort.signal);
      } catch (e) {
        if (abort.signal.aborted) break;
        failures++;
        log?.error({ err: e, failures }, 'Telegram getUpdates failed; retrying');
        await sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)), abort.signal);
      }
    }
  };
  const running = loop();
  return {
    async stop() {
      abort.abort();
      await running.catch(() => {});
      await opts.lease?.release();
    },
  };
}
