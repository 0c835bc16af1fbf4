// Short-lived sign-in tokens for the web view (the Mini App opened from a browser, e.g. by a
// Slack user, who has no Telegram initData): "v1.<workspaceId>.<userId>.<expiresAtMs>.<mac>",
// mac = HMAC-SHA256(secret, "v1.<workspaceId>.<userId>.<expiresAtMs>") in base64url. A token
// names one member and works until it expires; it carries no other power than that member's
// own (the same permissions as chat). Pure: the secret and the time come from the caller.
import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'v1';

function mac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

export function issueWebToken(secret: string, member: { workspaceId: number; userId: number }, expiresAt: Date): string {
  const body = `${PREFIX}.${member.workspaceId}.${member.userId}.${expiresAt.getTime()}`;
  return `${body}.${mac(secret, body)}`;
}

export type WebTokenCheck = { ok: true; workspaceId: number; userId: number; expiresAt: Date } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

export function verifyWebToken(secret: string, token: string, now: Date): WebTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== PREFIX) return { ok: false, reason: 'malformed' };
  const [, ws, user, exp, given] = parts as [string, string, string, string, string];
  if (!/^\d{1,10}$/.test(ws) || !/^\d{1,10}$/.test(user) || !/^\d{1,15}$/.test(exp)) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(secret, `${PREFIX}.${ws}.${user}.${exp}`));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { ok: false, reason: 'signature' };
  const expiresAt = new Date(Number(exp));
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, workspaceId: Number(ws), userId: Number(user), expiresAt };
}

/** Where web-view links point and how they are signed (MINIAPP_URL, MINIAPP_LINK_SECRET, MINIAPP_LINK_TTL_MINUTES). */
export interface WebViewLinks {
  /** the Mini App's public URL, e.g. https://crm.example.com/miniapp/ */
  url: string;
  secret: string;
  ttlMinutes: number;
}

/** The link that signs a member in to the web view: the token rides in the URL's fragment, never sent to servers or logs. */
export function webViewUrl(links: WebViewLinks, member: { workspaceId: number; userId: number }, now: Date): string {
  const token = issueWebToken(links.secret, member, new Date(now.getTime() + links.ttlMinutes * 60_000));
  return `${links.url.replace(/#.*$/, '')}#token=${encodeURIComponent(token)}`;
}
