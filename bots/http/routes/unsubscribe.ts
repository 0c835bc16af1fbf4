// One-click unsubscribe of mailing emails (RFC 8058), served by the web role when
// MAILING_LINK_SECRET is set. The email's List-Unsubscribe names https://…/unsubscribe/<token>
// (core/mailings/opt-out.ts: the contact, HMAC-signed) and List-Unsubscribe-Post says
// "List-Unsubscribe=One-Click":
// - POST /unsubscribe/<token>: what a mail client sends for the one click (any body): the
//   contact is opted out, 200 with a short page; 404 for a token that is not valid.
// - GET /unsubscribe/<token>: a page with a button that POSTs, so a link scanner that follows
//   links never unsubscribes anyone. Pages are in the reader's language (Accept-Language).
import { z } from 'zod';
import { resolveLocale, t, type Locale } from '../../../core/i18n/index.js';
import { acceptRawBody, type HttpRoute } from '../route.js';

const html = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(locale: Locale, body: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${html(
    t(locale, 'mailing.unsubscribe.page_title'),
  )}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem">${body}</body></html>`;
}

export function unsubscribeRoute(deps: { unsubscribe: (token: string) => Promise<boolean> }): HttpRoute {
  const params = z.object({ token: z.string().min(1).max(200) });
  const localeOf = (header: string | undefined) => resolveLocale(header?.split(',')[0]?.trim());
  return {
    describe: 'GET|POST /unsubscribe/:token (mailing one-click unsubscribe)',
    register(app) {
      acceptRawBody(app, 4096);
      app.get('/unsubscribe/:token', { schema: { hide: true, params } }, async (req, reply) => {
        const locale = localeOf(req.headers['accept-language']);
        const action = `/unsubscribe/${encodeURIComponent(req.params.token)}`;
        return reply
          .header('content-type', 'text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .header('referrer-policy', 'no-referrer')
          .send(
            page(
              locale,
              `<p>${html(t(locale, 'mailing.unsubscribe.confirm'))}</p><form method="post" action="${html(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${html(
                t(locale, 'mailing.unsubscribe.button'),
              )}</button></form>`,
            ),
          );
      });
      app.post('/unsubscribe/:token', { schema: { hide: true, params } }, async (req, reply) => {
        const locale = localeOf(req.headers['accept-language']);
        const ok = await deps.unsubscribe(req.params.token);
        return reply
          .status(ok ? 200 : 404)
          .header('content-type', 'text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(page(locale, `<p>${html(t(locale, ok ? 'mailing.unsubscribe.done' : 'mailing.unsubscribe.invalid'))}</p>`));
      });
    },
  };
}
