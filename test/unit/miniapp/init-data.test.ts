// Telegram initData and web-view tokens, checked without services: the HMAC as Telegram
// documents it (computed independently here from its definition), the constant-time compare's
// verdicts, auth_date freshness, and the tokens' signature and expiry.
import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { dataCheckString, signInitData, verifyInitData } from '../../../bots/http/miniapp/init-data.js';
import { issueWebToken, verifyWebToken, webViewUrl } from '../../../core/miniapp/web-token.js';

const TOKEN = '5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8';
const NOW = new Date('2026-11-30T12:00:00Z');
const AUTH = String(Math.floor(NOW.getTime() / 1000) - 60);
const USER = JSON.stringify({ id: 279058397, first_name: 'Vladislav', username: 'vdkfrost', language_code: 'ru' });

describe('Telegram initData', () => {
  it('signs as Telegram defines it: HMAC-SHA256 of the sorted k=v lines with key HMAC-SHA256("WebAppData", token)', () => {
    const raw = signInitData(TOKEN, { user: USER, auth_date: AUTH, query_id: 'AAHdF6IQAAAAAN0XohDhrOrc' });
    const params = new URLSearchParams(raw);
    const check = `auth_date=${AUTH}\nquery_id=AAHdF6IQAAAAAN0XohDhrOrc\nuser=${USER}`;
    expect(dataCheckString(params)).toBe(check);
    const key = createHmac('sha256', 'WebAppData').update(TOKEN).digest();
    expect(params.get('hash')).toBe(createHmac('sha256', key).update(check).digest('hex'));
  });

  it('accepts a fresh signed initData and names the Telegram user', () => {
    const result = verifyInitData(signInitData(TOKEN, { user: USER, auth_date: AUTH }), TOKEN, NOW, 3600);
    expect(result).toMatchObject({ ok: true, user: { id: 279058397, language_code: 'ru' } });
  });

  it('refuses a changed field, another bot, a stale or future auth_date, and malformed input', () => {
    const good = signInitData(TOKEN, { user: USER, auth_date: AUTH });
    const changed = new URLSearchParams(good);
    changed.set('user', USER.replace('279058397', '1'));
    expect(verifyInitData(changed.toString(), TOKEN, NOW, 3600)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyInitData(good, '1:other', NOW, 3600)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyInitData(good, TOKEN, new Date(NOW.getTime() + 3600_000), 3600)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyInitData(good, TOKEN, new Date(NOW.getTime() - 600_000), 3600)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyInitData(undefined, TOKEN, NOW, 3600)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyInitData('user=x&hash=zz', TOKEN, NOW, 3600)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyInitData(signInitData(TOKEN, { user: '{"id":"x"}', auth_date: AUTH }), TOKEN, NOW, 3600)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('web-view tokens', () => {
  const SECRET = 'a-secret-of-some-length';
  it('name one member until they expire, and only with the right secret', () => {
    const token = issueWebToken(SECRET, { workspaceId: 3, userId: 42 }, new Date(NOW.getTime() + 60_000));
    expect(verifyWebToken(SECRET, token, NOW)).toMatchObject({ ok: true, workspaceId: 3, userId: 42 });
    expect(verifyWebToken(SECRET, token, new Date(NOW.getTime() + 60_000))).toEqual({ ok: false, reason: 'expired' });
    expect(verifyWebToken('another-secret-entirely', token, NOW)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyWebToken(SECRET, token.replace('.42.', '.43.'), NOW)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyWebToken(SECRET, 'v1.3.42', NOW)).toEqual({ ok: false, reason: 'malformed' });
  });
  it('ride in the URL fragment of the link', () => {
    const url = webViewUrl({ url: 'https://crm.example.com/miniapp/', secret: SECRET, ttlMinutes: 30 }, { workspaceId: 1, userId: 2 }, NOW);
    expect(url).toMatch(/^https:\/\/crm\.example\.com\/miniapp\/#token=v1\.1\.2\./);
  });
});
