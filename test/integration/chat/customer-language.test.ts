// A customer is answered in the language they write in when the channel gives no language
// code (issue 20.6), and a customer's /help is answered, not forwarded (issue 20.9).
import { describe, it, expect } from 'vitest';
import { chatFixture, nextId } from './chat-fixture.js';

describe('the customer side', () => {
  it('a customer writing Russian to an en workspace, with no language code, is acknowledged in Russian', async () => {
    const f = await chatFixture('en');
    const id = nextId();
    await f.send(f.msg({ id, name: 'Ольга' }, 'Здравствуйте! Нужна доставка в Казань.', { channel: 'console', languageCode: undefined }));
    const ack = f.outbox.take().find((i) => i.dedupeKey?.startsWith('ack:'));
    expect(ack?.text).toBe('Спасибо! Мы получили ваше сообщение, менеджер скоро ответит.');
    // kept on the identity: drafts and later answers use it
    const identity = await f.db.identity.findFirstOrThrow({ where: { workspaceId: f.ws.id, externalId: id } });
    expect(identity.languageCode).toBe('ru');

    // English text with no code: English; a code the channel gives wins over the text
    await f.send(f.msg({ id: nextId(), name: 'Olga' }, 'Hello, we need a delivery to Kazan', { channel: 'console', languageCode: undefined }));
    expect(f.outbox.take().find((i) => i.dedupeKey?.startsWith('ack:'))?.text).toBe(
      'Thank you! We have received your message and a manager will reply shortly.',
    );
    await f.send(f.msg({ id: nextId(), name: 'Oleg' }, 'Здравствуйте, сколько стоит?', { languageCode: 'en' }));
    expect(f.outbox.take().find((i) => i.dedupeKey?.startsWith('ack:'))?.text).toMatch(/^Thank you!/);
  });

  it("a customer's /help is answered and reaches nobody else, new or returning", async () => {
    const f = await chatFixture('en');
    const customer = { id: nextId(), name: 'Ivan' };
    const help = 'Just write your question in this chat (photos and files are welcome too) and a manager will answer you here.';
    expect((await f.send(f.msg(customer, '/help'))).map((r) => r.text)).toEqual([help]);
    expect(f.outbox.take()).toEqual([]);
    expect(await f.db.lead.count({ where: { workspaceId: f.ws.id } })).toBe(0);
    // with an open lead (the returning customer's fast path)
    await f.send(f.msg(customer, 'I want to buy'));
    f.outbox.take();
    expect((await f.send(f.msg(customer, '/help'))).map((r) => r.text)).toEqual([help]);
    expect(f.outbox.take()).toEqual([]);
    const ru = await f.send(f.msg({ id: nextId(), name: 'Пётр', lang: 'ru' }, '/помощь'));
    expect(ru.map((r) => r.text)).toEqual(['Просто напишите свой вопрос в этот чат (можно приложить фото и файлы), и менеджер ответит вам здесь.']);
  });
});
