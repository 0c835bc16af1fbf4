// An email lead is titled by its subject and the notification shows it (issue 20.10).
import { describe, it, expect } from 'vitest';
import { chatFixture, nextId } from './chat-fixture.js';

describe('email leads', () => {
  it('the subject is the title and is shown in the notification, not the greeting', async () => {
    const f = await chatFixture('ru');
    const address = `olga.${nextId()}@example.com`;
    await f.send(
      f.msg({ id: address, name: 'Ольга Петрова' }, 'Добрый день!\nНужен расчёт на 20 мест.', {
        channel: 'email',
        externalChatId: address,
        email: { from: address, subject: 'Запрос цены на 20 мест', messageId: `<${nextId()}@example.com>` },
      }),
    );
    const lead = await f.db.lead.findFirstOrThrow({ where: { workspaceId: f.ws.id } });
    expect(lead.title).toBe('Запрос цены на 20 мест');
    const notice = f.outbox.take().find((i) => i.ref?.leadId === lead.id && i.buttons);
    expect(notice?.text).toMatch(/^Новый лид #\d+, клиент: .*\nТема: Запрос цены на 20 мест\nДобрый день!\nНужен расчёт на 20 мест\./);
  });
});
