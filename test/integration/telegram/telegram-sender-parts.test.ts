// A message Telegram gets in parts (a digest's chart and its text; a text over 4,096
// characters) against the Bot API fake that enforces 1 message/s per chat as the server sees
// it: the next part waits a full interval from the previous part's answer, so a part the server
// received late (a slow upload) does not make the next one a 429; and a later part refused
// with a 429 all the same is waited out and sent again in place, because handing the whole
// message back would send its first parts twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LimitedBotApi } from '../../support/limited-bot-api.js';
import { createTelegramApi } from '../../../bots/telegram/telegram-api.js';
import { TelegramSender } from '../../../bots/telegram/telegram-sender.js';
import { TELEGRAM_TEXT_LIMIT } from '../../../bots/telegram/telegram-render.js';

let fake: LimitedBotApi;
let chatSeq = 900_000_000;
const token = '123456:PARTS-test-token';

beforeAll(async () => {
  fake = await new LimitedBotApi().start();
});
afterAll(() => fake?.close());

describe('TelegramSender, a message in parts', () => {
  it('waits a full interval after the answer to a slow photo before sending the text part', async () => {
    const sender = new TelegramSender(createTelegramApi({ token, apiRoot: fake.apiRoot }));
    const chatId = String(++chatSeq);
    // the server takes the photo 400 ms after it was sent (an upload on a slow link)
    fake.acceptDelayMs = (method) => (method === 'sendPhoto' ? 400 : 0);
    try {
      await sender.send({
        channel: 'telegram',
        chatId,
        text: 'Team digest for today',
        image: { png: new Uint8Array(4096), filename: 'funnel.png', caption: 'Funnel' },
      });
    } finally {
      fake.acceptDelayMs = undefined;
    }
    expect(fake.refused.filter((r) => r.chatId === chatId)).toEqual([]);
    const parts = fake.to(chatId);
    expect(parts.map((m) => m.method)).toEqual(['sendPhoto', 'sendMessage']);
    expect(parts[1]!.at - parts[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('waits out a 429 on a later part and sends that part again, never the earlier ones', async () => {
    const sender = new TelegramSender(createTelegramApi({ token, apiRoot: fake.apiRoot }));
    const chatId = String(++chatSeq);
    const text = `${'a'.repeat(TELEGRAM_TEXT_LIMIT - 10)}\n\n${'b'.repeat(100)}`;
    // another client takes the chat's second right after the first part: the second part gets a 429
    fake.onAccepted((m) => {
      if (m.chatId === chatId && m.text.startsWith('aaa')) fake.refuseNextTo(chatId, 1);
    });
    const result = await sender.send({ channel: 'telegram', chatId, text });
    const parts = fake.to(chatId);
    expect(parts.filter((m) => m.text.startsWith('aaa'))).toHaveLength(1);
    expect(parts.filter((m) => m.text.startsWith('bbb'))).toHaveLength(1);
    expect(fake.refused.filter((r) => r.chatId === chatId)).toHaveLength(1);
    // the refused part went again once the retry_after had passed
    expect(parts[1]!.at - fake.refused.find((r) => r.chatId === chatId)!.at).toBeGreaterThanOrEqual(1000);
    expect(result.externalMessageId).toBe(String(parts.find((m) => m.text.startsWith('bbb'))!.messageId));
  });
});
