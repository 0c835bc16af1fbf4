// The fast half of the Telegram transport: an update (from the webhook or long polling)
// becomes an InboundMessage on the inbound queue; button presses are answered at once so
// the client stops its spinner. The chat engine runs later in a worker.
import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import type { InboundMessageInput } from '../../core/chat/inbound.js';
import { updateToInbound, botIdFromToken } from './telegram-update.js';

export interface InboundSink {
  enqueue(message: InboundMessageInput): Promise<void>;
}

export interface IntakeLogger {
  warn(obj: object, msg?: string): void;
}

export class TelegramIntake {
  readonly botId: string;
  constructor(
    private readonly api: Api,
    private readonly sink: InboundSink,
    private readonly options: { workspaceId?: number; logger?: IntakeLogger } = {},
  ) {
    this.botId = botIdFromToken(api.token);
  }

  /**
   * Resolves once the message is durably queued (then the webhook may answer 200). `traceId`:
   * the webhook request's id, carried to the sends it causes (logs).
   */
  async handleUpdate(update: Update, traceId?: string): Promise<'queued' | 'ignored'> {
    const message = updateToInbound(update, this.botId, this.options.workspaceId);
    if (update.callback_query) {
      // never let a failed acknowledgement lose the press
      this.api.answerCallbackQuery(update.callback_query.id).catch((e: Error) => this.options.logger?.warn({ err: e }, 'answerCallbackQuery failed'));
    }
    if (!message) return 'ignored';
    await this.sink.enqueue(traceId ? { ...message, traceId } : message);
    return 'queued';
  }
}

/** Telegram sends update objects; anything else is a bad request. */
export function isUpdate(value: unknown): value is Update {
  return typeof value === 'object' && value !== null && Number.isInteger((value as { update_id?: unknown }).update_id);
}
