import { describe, expect, it } from 'vitest';
import { fieldLabel, readForm } from '../../../core/forms/read-form.js';

describe('readForm', () => {
  it('reads the names form builders use, en and ru', () => {
    expect(fieldLabel('your-name')).toBe('your name');
    expect(fieldLabel('fields[E-mail]')).toBe('e-mail');
    expect(fieldLabel('Your_Phone')).toBe('your phone');
    const r = readForm({ Имя: 'Пётр', Телефон: '8 916 111-22-33', Почта: 'Petr@Example.RU', Компания: 'Рога и копыта', Сообщение: 'Привет' }, 'RU');
    expect(r).toEqual({
      ok: true,
      sender: { name: 'Пётр', phone: '+79161112233', email: 'petr@example.ru', company: 'Рога и копыта' },
      email: 'petr@example.ru',
      phone: '+79161112233',
      text: 'Привет',
    });
  });

  it('keeps unknown fields as lines, drops builder and captcha fields, joins repeated values', () => {
    const r = readForm({ email: 'a@b.co', product: ['A', 'B'], 'g-recaptcha-response': 'tok', _wpcf7: '5', subject: 'Prices\nplease' }, 'US');
    expect(r.ok && r.text).toBe('product: A, B\nsubject: Prices please');
  });

  it('a malformed second contact is kept as written; neither usable is a refusal naming the field', () => {
    const r = readForm({ email: 'a@b.co', phone: 'call me' }, 'RU');
    expect(r.ok && r.text).toBe('phone: call me');
    expect(readForm({ email: 'nope' }, 'RU')).toEqual({ ok: false, spam: false, issues: [{ field: 'email', message: '"nope" is not an e-mail address' }] });
    expect(readForm({ _gotcha: 'x', email: 'a@b.co' }, 'RU')).toEqual({ ok: false, spam: true });
  });
});
