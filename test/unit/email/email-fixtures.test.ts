// Every class of mail, English and Russian, in the charsets real mail uses: parsed by the
// connector, understood by core. One row per fixture in test/fixtures/email.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseEmail } from '../../../connectors/email/parse-email.js';
import { understandEmail, type InboundEmail } from '../../../core/email/understand-email.js';
import type { EmailKind } from '../../../core/email/types.js';

const dir = path.resolve(import.meta.dirname, '../../fixtures/email');
const limits = { maxBodyChars: 100_000, maxAttachmentBytes: 1024 * 1024 };

async function understand(file: string, region = 'RU'): Promise<InboundEmail> {
  const parsed = await parseEmail(readFileSync(path.join(dir, file)), limits);
  return understandEmail(parsed, { ownAddresses: ['sales@leadline.test'], knownThread: () => undefined, phoneRegion: region });
}

interface Row {
  file: string;
  kind: EmailKind;
  reason: RegExp;
  contact?: Partial<Record<'name' | 'email' | 'phone' | 'company', string | null>>;
  subject?: string;
  text?: string | RegExp;
  notInText?: RegExp;
  threadKey?: string | null;
  bounced?: string[];
}

const rows: Row[] = [
  {
    file: 'lead-en-utf8.eml',
    kind: 'lead',
    reason: /new message from john\.smith@acmetools\.com/,
    contact: { name: 'John Smith', email: 'john.smith@acmetools.com', phone: '+14155550100', company: 'Acme Tools Inc.' },
    subject: 'Pricing for 12 seats — annual plan',
    text: /^Hello,\n\nWe are looking for a CRM .* start in February\.$/s,
    notInText: /Best regards|Head of Sales/,
  },
  {
    file: 'lead-ru-koi8r-qp.eml',
    kind: 'lead',
    reason: /new message from ivan@romashka\.ru/,
    contact: { name: 'Иван Петров', email: 'ivan@romashka.ru', phone: '+74951234567', company: 'ООО "Ромашка"' },
    subject: 'Коммерческое предложение по CRM',
    text: 'Добрый день!\n\nИнтересует внедрение CRM для отдела продаж (8 менеджеров).\nПришлите, пожалуйста, коммерческое предложение.',
  },
  {
    file: 'lead-ru-cp1251-b64.eml',
    kind: 'lead',
    reason: /new message/,
    // yandex.ru is free mail: no company from the domain
    contact: { name: 'Мария Соколова', email: 'm.sokolova@yandex.ru', phone: '+79167654321', company: null },
    subject: 'Вопрос о цене',
    text: 'Здравствуйте! Сколько стоит подключение для 3 пользователей?\nМой телефон 8 916 765-43-21, звоните после обеда.',
    notInText: /iPhone/,
  },
  {
    file: 'lead-en-latin1-qp.eml',
    kind: 'lead',
    reason: /new message/,
    contact: { name: 'Jürgen Müller', email: 'j.mueller@cafe-mueller.de', company: 'Cafe-mueller' },
    subject: 'Démo request for Café Müller',
    text: /We run a café chain \(Café Müller, 14 locations\)/,
    notInText: /Thanks|Jürgen/,
  },
  {
    file: 'lead-ru-utf7.eml',
    kind: 'lead',
    reason: /new message/,
    contact: { name: 'Олег', email: 'oleg@stroymash.ru', phone: '+79120001122', company: 'Stroymash' },
    subject: 'Заявка на CRM',
    text: 'Добрый день, нужна CRM на 5 мест. Телефон +7 912 000-11-22.\nЦена +- важна.',
  },
  {
    file: 'lead-en-html-only.eml',
    kind: 'lead',
    reason: /new message/,
    contact: { name: 'Emma Brown', phone: '+442079460958', company: 'Northwind Traders Ltd' },
    text: /We’d like a demo of Leadline for our support team\.\n\n \* 10 agents\n \* Telegram & email/,
    notInText: /<|&amp;|color:red/,
  },
  {
    file: 'form-ru.eml',
    kind: 'form',
    reason: /web-form notification \(fields: name, phone, email, message; sent by noreply@tilda\.ws\)/,
    contact: { name: 'Анна Смирнова', email: 'anna@vector-group.ru', phone: '+79161234567', company: 'Vector-group' },
    text: 'Хочу подключить CRM для двух филиалов.\nПерезвоните, пожалуйста, до 18:00.',
  },
  {
    file: 'form-en.eml',
    kind: 'form',
    reason: /web-form notification .*wordpress@leadline\.test/,
    contact: { name: 'Jane Doe', email: 'jane.doe@globex.com', phone: '+12125550134', company: 'Globex Corporation' },
    text: 'We need 20 seats and an onboarding call.\nPlease get back to us this week.',
  },
  { file: 'auto-reply-en.eml', kind: 'auto_reply', reason: /Auto-Submitted: auto-replied/ },
  { file: 'auto-reply-en-subject.eml', kind: 'auto_reply', reason: /out-of-office subject "Out of Office: Re: proposal"/ },
  { file: 'auto-reply-ru.eml', kind: 'auto_reply', reason: /X-Autoreply: yes/, subject: 'Автоответ: Коммерческое предложение' },
  { file: 'auto-reply-ru-subject.eml', kind: 'auto_reply', reason: /out-of-office subject "Я в отпуске"/, text: 'Вернусь 3 марта.' },
  {
    file: 'bounce-dsn-en.eml',
    kind: 'bounce',
    reason: /multipart\/report; report-type=delivery-status.*no\.such\.user@globex\.com/,
    contact: { name: null, email: null, company: null },
    bounced: ['no.such.user@globex.com'],
  },
  {
    file: 'bounce-ru.eml',
    kind: 'bounce',
    reason: /mailer-daemon@corp\.mail\.ru: "Недоставленное сообщение"/,
    bounced: ['petrov@nowhere-romashka.ru'],
  },
  { file: 'list-newsletter-en.eml', kind: 'list', reason: /List-Unsubscribe/ },
  { file: 'list-newsletter-ru.eml', kind: 'list', reason: /List-Id: <digest\.lists\.vc\.ru>/, subject: 'Дайджест недели', text: 'Главное за неделю...' },
  {
    file: 'reply-en.eml',
    kind: 'reply',
    reason: /In-Reply-To\/References \(<answer-1@leadline\.test>\)/,
    contact: { name: 'John Smith', phone: '+14155550100', company: 'Acme Tools Inc.' },
    text: "Thanks, the annual plan works for us. Please send the contract to\nlegal@acmetools.com and we'll sign this week.",
    threadKey: 'lead-en-1@acmetools.com',
  },
  {
    file: 'reply-ru.eml',
    kind: 'reply',
    reason: /answer-2@leadline\.test/,
    contact: { name: 'Иван Петров', company: 'ООО «Ромашка»' },
    subject: 'Re: Коммерческое предложение по CRM',
    text: 'Добрый день! Согласны на тариф «Команда», ждём счёт.',
    threadKey: 'lead-ru-1@romashka.ru',
  },
  {
    file: 'reply-ru-outlook.eml',
    kind: 'reply',
    reason: /answer-3@leadline\.test/,
    subject: 'RE: Вопрос о цене',
    text: 'Да, давайте созвонимся в четверг в 11:00.',
    threadKey: 'answer-3@leadline.test',
  },
  { file: 'own-copy.eml', kind: 'own', reason: /our own mailbox sales@leadline\.test/, threadKey: 'lead-en-1@acmetools.com' },
  {
    file: 'malformed-headers.eml',
    kind: 'lead',
    reason: /no usable From address/,
    contact: { name: null, email: null, phone: null, company: null },
    subject: 'Hello',
    text: 'Body survives.',
    threadKey: null,
  },
];

describe('email fixtures: parse -> classify -> clean -> contact', () => {
  it('covers every fixture file', () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .sort();
    expect(rows.map((r) => r.file).sort()).toEqual(files);
  });

  for (const row of rows) {
    it(`${row.file} is ${row.kind}`, async () => {
      const r = await understand(row.file);
      expect(r.kind).toBe(row.kind);
      expect(r.reason).toMatch(row.reason);
      for (const [k, v] of Object.entries(row.contact ?? {})) expect(r.contact[k as keyof typeof r.contact], k).toBe(v);
      if (row.subject !== undefined) expect(r.subject).toBe(row.subject);
      if (typeof row.text === 'string') expect(r.text).toBe(row.text);
      else if (row.text) expect(r.text).toMatch(row.text);
      if (row.notInText) expect(r.text).not.toMatch(row.notInText);
      if (row.threadKey !== undefined) expect(r.threadKey).toBe(row.threadKey);
      if (row.bounced) expect(r.bouncedRecipients).toEqual(row.bounced);
      expect(r.reachesLeadFlow).toBe(['lead', 'reply', 'form'].includes(row.kind));
    });
  }

  it('keeps the original body next to the cleaned one', async () => {
    const r = await understand('reply-en.eml');
    expect(r.originalText).toContain('> The annual plan is $1,200 for 12 seats.');
    expect(r.text).not.toContain('annual plan is $1,200');
  });
});
