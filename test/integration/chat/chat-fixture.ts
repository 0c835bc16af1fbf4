// A workspace with a manager linked on Telegram, a chat engine over the real test
// database, and an outbox that records what would be pushed (the queue is tested apart).
import { testDb, uniqueSlug } from '../../support/db.js';
import { ensureWorkspace } from '../../../core/workspaces/ensure-workspace.js';
import { handleInbound } from '../../../core/chat/handle-inbound.js';
import type { ChatDeps } from '../../../core/chat/turn.js';
import type { InboundMessageInput } from '../../../core/chat/inbound.js';
import { parseInboundMessage } from '../../../core/chat/inbound.js';
import { MemoryClarifyStore } from '../../../core/chat/clarify-store.js';
import { RuleParser } from '../../../core/parse/parser.js';
import { handOffUnknownText } from '../../../core/chat/ai/chat-actions.js';
import type { Outbox, OutboxItem } from '../../../core/ports.js';
import { SqlCustomerIntake } from '../../../connectors/db/intake/index.js';
import { sqlStores } from '../../../connectors/db/stores/index.js';

export class RecordingOutbox implements Outbox {
  items: OutboxItem[] = [];
  async enqueue(item: OutboxItem): Promise<void> {
    this.items.push(item);
  }
  take(): OutboxItem[] {
    const out = this.items;
    this.items = [];
    return out;
  }
}

let seq = Math.floor(Math.random() * 1e6);
export const nextId = () => String(++seq);

export async function chatFixture(locale: 'en' | 'ru', opts: { now?: Date; businessHours?: object } = {}) {
  const db = testDb();
  const ws = await ensureWorkspace(db, uniqueSlug('chat'), { timezone: 'Europe/Moscow', locale });
  if (opts.businessHours) await db.workspace.update({ where: { id: ws.id }, data: { businessHours: opts.businessHours } });
  const manager = await db.user.create({ data: { workspaceId: ws.id, name: locale === 'ru' ? 'Мария' : 'Mary', role: 'manager', locale } });
  const managerTg = nextId();
  const managerIdentity = await db.identity.create({
    data: { workspaceId: ws.id, channel: 'telegram', externalId: managerTg, chatId: managerTg, userId: manager.id, languageCode: locale },
  });
  const outbox = new RecordingOutbox();
  let now = opts.now ?? new Date('2026-03-10T09:00:00Z');
  const deps: ChatDeps = {
    db,
    clock: { now: () => now },
    outbox,
    intake: new SqlCustomerIntake(db),
    stores: sqlStores,
    defaultWorkspaceId: ws.id,
    parser: new RuleParser(),
    clarify: new MemoryClarifyStore(),
    // as the production runtime wires it: AI assist's hand-off (a no-op while AI is off)
    unknownText: handOffUnknownText,
  };

  function msg(from: { id: string; name?: string; lang?: string }, text: string, extra: Partial<InboundMessageInput> = {}) {
    const id = nextId();
    return parseInboundMessage(
      {
        channel: 'telegram',
        externalUserId: from.id,
        externalChatId: from.id,
        text,
        attachments: [],
        dedupeKey: `test:${ws.id}:${id}`,
        receivedAt: now.toISOString(),
        displayName: from.name,
        languageCode: from.lang ?? locale,
        messageExternalId: id,
        ...extra,
      },
      now,
    );
  }

  const managerFrom = { id: managerTg, name: manager.name, lang: locale };
  return {
    db,
    ws,
    manager,
    managerIdentity,
    managerFrom,
    outbox,
    deps,
    setNow: (d: Date) => (now = d),
    msg,
    send: (m: ReturnType<typeof msg>) => handleInbound(deps, m),
    /** a manager's message; returns the reply texts */
    asManager: async (text: string, extra: Partial<InboundMessageInput> = {}) => handleInbound(deps, msg(managerFrom, text, extra)),
    press: async (data: string) => handleInbound(deps, msg(managerFrom, '', { callbackData: data })),
  };
}

export type ChatFixture = Awaited<ReturnType<typeof chatFixture>>;
