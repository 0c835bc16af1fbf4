// The one-click unsubscribe route (RFC 8058) on the web role's server: POST opts out (any
// body, as mail clients send "List-Unsubscribe=One-Click"), GET only shows a page whose button
// POSTs (a link scanner unsubscribes nobody), a bad token is 404; pages in the reader's language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startHttpServer, type RunningHttpServer } from '../../../bots/http/server.js';
import { unsubscribeRoute } from '../../../bots/http/routes/unsubscribe.js';

let http: RunningHttpServer;
const calls: string[] = [];
beforeAll(async () => {
  const route = unsubscribeRoute({
    unsubscribe: async (token) => {
      calls.push(token);
      return token === 'good.1.sig';
    },
  });
  http = await startHttpServer({ port: 0, host: '127.0.0.1', routes: [route], logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await http?.close();
});

describe('/unsubscribe/:token', () => {
  it('GET shows a confirmation page and unsubscribes nobody', async () => {
    const res = await fetch(`${http.url}/unsubscribe/good.1.sig`, { headers: { 'accept-language': 'ru-RU,ru;q=0.9' } });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('method="post" action="/unsubscribe/good.1.sig"');
    expect(body).toContain('Отписаться');
    expect(calls).toEqual([]);
  });
  it('POST with the one-click body opts out', async () => {
    const res = await fetch(`${http.url}/unsubscribe/good.1.sig`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are unsubscribed');
    expect(calls).toEqual(['good.1.sig']);
  });
  it('POST with a token that is not valid is 404', async () => {
    const res = await fetch(`${http.url}/unsubscribe/forged.1.sig`, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('not valid');
  });
});
