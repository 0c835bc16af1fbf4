import { describe, it, expect } from 'vitest';
import { escapeHtml, splitForTelegram, inlineKeyboard } from '../../../bots/telegram/telegram-render.js';
import { updateToInbound, botIdFromToken } from '../../../bots/telegram/telegram-update.js';
import { SendLimiter } from '../../../bots/telegram/send-limiter.js';
import type { Update } from 'grammy/types';

describe('Telegram rendering', () => {
  it('renders a Mini App button as web_app in a private chat and as a link in a group', () => {
    const rows = [
      [
        { label: 'Board', data: 'miniapp:open:0', webApp: 'https://crm.example.com/miniapp/' },
        { label: 'Take', data: 'lead:take:1' },
      ],
    ];
    expect(inlineKeyboard(rows)).toEqual({
      inline_keyboard: [
        [
          { text: 'Board', web_app: { url: 'https://crm.example.com/miniapp/' } },
          { text: 'Take', callback_data: 'lead:take:1' },
        ],
      ],
    });
    expect(inlineKeyboard(rows, { privateChat: false })!.inline_keyboard[0]![0]).toEqual({ text: 'Board', url: 'https://crm.example.com/miniapp/' });
  });

  it('escapes HTML in user text', () => {
    expect(escapeHtml('<b>x</b> & "y"')).toBe('&lt;b&gt;x&lt;/b&gt; &amp; "y"');
  });

  it('splits long texts on line breaks, each escaped chunk within the limit, nothing lost', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i} <${'x'.repeat(i % 30)}>`);
    const text = lines.join('\n');
    const chunks = splitForTelegram(text, 1000);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(escapeHtml(c).length).toBeLessThanOrEqual(1000);
    expect(chunks.join('\n')).toBe(text);
    for (const c of chunks) expect(c.endsWith('>')).toBe(true); // cut between lines
  });

  it('splits a single huge line at spaces or hard cuts', () => {
    const word = 'a'.repeat(5000);
    const chunks = splitForTelegram(word);
    expect(chunks.map((c) => c.length)).toEqual([4096, 904]);
    expect(splitForTelegram('short')).toEqual(['short']);
  });

  it('inline keyboards refuse callback data over 64 bytes', () => {
    expect(inlineKeyboard([[{ label: 'Take', data: 'lead:take:1' }]])).toEqual({ inline_keyboard: [[{ text: 'Take', callback_data: 'lead:take:1' }]] });
    expect(() => inlineKeyboard([[{ label: 'x', data: 'x'.repeat(65) }]])).toThrow(/64 bytes/);
    expect(inlineKeyboard([])).toBeUndefined();
  });
});

describe('Telegram update -> InboundMessage', () => {
  it('maps text, replies, captions with attachments and callback queries', () => {
    expect(botIdFromToken('12345:ABC')).toBe('12345');
    expect(() => botIdFromToken('nonsense')).toThrow(/BotFather/);
    const text = updateToInbound(
      {
        update_id: 7,
        message: {
          message_id: 3,
          date: 1,
          chat: { id: 5, type: 'private', first_name: 'A' },
          from: { id: 5, is_bot: false, first_name: 'Ann', last_name: 'Lee', language_code: 'ru' },
          text: 'hi',
          reply_to_message: { message_id: 2 },
        },
      } as unknown as Update,
      '12345',
    )!;
    expect(text).toMatchObject({
      channel: 'telegram',
      externalUserId: '5',
      externalChatId: '5',
      text: 'hi',
      replyToExternalId: '2',
      dedupeKey: 'tg:12345:7',
      displayName: 'Ann Lee',
      languageCode: 'ru',
      messageExternalId: '3',
    });
    const photo = updateToInbound(
      {
        update_id: 8,
        message: {
          message_id: 4,
          date: 1,
          chat: { id: 5, type: 'private', first_name: 'A' },
          from: { id: 5, is_bot: false, first_name: 'Ann' },
          caption: 'see',
          photo: [
            { file_id: 'small', file_unique_id: 's', width: 1, height: 1, file_size: 10 },
            { file_id: 'big', file_unique_id: 'b', width: 9, height: 9, file_size: 900 },
          ],
          document: undefined,
        },
      } as unknown as Update,
      '12345',
    )!;
    expect(photo.text).toBe('see');
    expect(photo.attachments).toEqual([{ kind: 'photo', fileId: 'big', size: 900 }]);
    const doc = updateToInbound(
      {
        update_id: 9,
        message: {
          message_id: 6,
          date: 1,
          chat: { id: 5, type: 'private', first_name: 'A' },
          from: { id: 5, is_bot: false, first_name: 'Ann' },
          document: { file_id: 'd1', file_unique_id: 'd', file_name: 'offer.pdf', file_size: 2048, mime_type: 'application/pdf' },
          voice: { file_id: 'v1', file_unique_id: 'v', duration: 3, file_size: 100 },
        },
      } as unknown as Update,
      '12345',
    )!;
    expect(doc.attachments.map((a) => [a.kind, a.fileId, a.name])).toEqual([
      ['document', 'd1', 'offer.pdf'],
      ['voice', 'v1', undefined],
    ]);
    const press = updateToInbound(
      {
        update_id: 10,
        callback_query: {
          id: 'q',
          from: { id: 5, is_bot: false, first_name: 'Ann' },
          chat_instance: 'c',
          data: 'lead:take:3',
          message: { message_id: 44, date: 1, chat: { id: 5, type: 'private', first_name: 'A' } },
        },
      } as unknown as Update,
      '12345',
    )!;
    expect(press).toMatchObject({ callbackData: 'lead:take:3', messageExternalId: '44', text: '' });
    expect(updateToInbound({ update_id: 11, edited_message: {} } as unknown as Update, '1')).toBeNull();
    expect(
      updateToInbound(
        {
          update_id: 12,
          message: { message_id: 1, date: 1, chat: { id: 1, type: 'private' }, from: { id: 1, is_bot: true, first_name: 'bot' }, text: 'x' },
        } as unknown as Update,
        '1',
      ),
    ).toBeNull();
  });
});

describe('send limiter', () => {
  it('keeps 1 message per second per chat, 30 per second per bot and 20 per minute per group', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new SendLimiter(
      undefined,
      () => now,
      async (ms) => {
        waits.push(ms);
      },
    );
    await limiter.acquire('1');
    await limiter.acquire('1');
    expect(waits).toEqual([1000]);
    waits.length = 0;
    for (let i = 0; i < 31; i++) await limiter.acquire(`u${i}`);
    // the bot-wide window: the 31st distinct chat (32nd/33rd send overall) waits for the window
    expect(waits.some((w) => w >= 1000)).toBe(true);
    waits.length = 0;
    now = 100_000;
    const group = new SendLimiter(
      undefined,
      () => now,
      async (ms) => {
        waits.push(ms);
      },
    );
    for (let i = 0; i < 21; i++) await group.acquire('-100', true);
    expect(Math.max(...waits)).toBeGreaterThanOrEqual(60_000);
  });
});
