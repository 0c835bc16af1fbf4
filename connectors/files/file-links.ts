// Signed download links for stored files (GET /files/<key> on the web role): what a manager
// gets when a customer's file is larger than their channel takes. The signature is an
// HMAC-SHA256 of the key and the expiry under FILE_LINK_SECRET; a link works until it expires
// and names no one (whoever holds it can download the file, as with any shared link).
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface FileLinkSettings {
  /** the web role's public URL (FILE_LINK_BASE_URL) */
  baseUrl: string;
  secret: string;
  ttlMs: number;
}

function signature(secret: string, key: string, exp: number): string {
  return createHmac('sha256', secret).update(`${key}\n${exp}`).digest('base64url');
}

/** The URL of `key` valid until now + ttl; `name` is the file name the download gets. */
export function signFileLink(settings: FileLinkSettings, key: string, name: string, now = Date.now()): string {
  const exp = Math.floor((now + settings.ttlMs) / 1000);
  const url = new URL(`files/${key.split('/').map(encodeURIComponent).join('/')}`, settings.baseUrl.replace(/\/*$/, '/'));
  url.searchParams.set('exp', String(exp));
  url.searchParams.set('name', name);
  url.searchParams.set('sig', signature(settings.secret, key, exp));
  return url.toString();
}

/** Whether `sig` signs `key` until `exp` (unix seconds) and that time has not passed. */
export function verifyFileLink(secret: string, key: string, exp: number, sig: string, now = Date.now()): 'ok' | 'expired' | 'bad' {
  const expected = Buffer.from(signature(secret, key, exp));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad';
  return exp * 1000 < now ? 'expired' : 'ok';
}
