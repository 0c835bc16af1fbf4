// Telegram Mini App initData, checked as Telegram documents it ("Validating data received via
// the Mini App"): the query string's fields other than `hash`, sorted by name, joined as
// "name=value" lines, HMAC-SHA256'd with the key HMAC_SHA256(key "WebAppData", bot token);
// the hex result must equal `hash` (compared in constant time). `auth_date` (Unix seconds)
// must be no older than maxAgeSeconds (and not in the future beyond a small skew), so a
// captured initData stops working. Pure: the time is the caller's.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface InitDataUser {
  id: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export type InitDataCheck = { ok: true; user: InitDataUser; authDate: Date } | { ok: false; reason: 'missing' | 'malformed' | 'signature' | 'stale' };

/** Clock skew tolerated for an auth_date in the future. */
const FUTURE_SKEW_SECONDS = 60;

export function initDataSecret(botToken: string): Buffer {
  return createHmac('sha256', 'WebAppData').update(botToken).digest();
}

/** The data-check string of initData's fields (without hash), as Telegram builds it. */
export function dataCheckString(params: URLSearchParams): string {
  return [...params.entries()]
    .filter(([k]) => k !== 'hash')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

/** Signs fields as Telegram does (tests and the emulator build initData with this). */
export function signInitData(botToken: string, fields: Record<string, string>): string {
  const params = new URLSearchParams(fields);
  const hash = createHmac('sha256', initDataSecret(botToken)).update(dataCheckString(params)).digest('hex');
  params.set('hash', hash);
  return params.toString();
}

export function verifyInitData(raw: string | undefined, botToken: string, now: Date, maxAgeSeconds: number): InitDataCheck {
  if (!raw) return { ok: false, reason: 'missing' };
  if (raw.length > 8192) return { ok: false, reason: 'malformed' };
  const params = new URLSearchParams(raw);
  const hash = params.get('hash');
  if (!hash || !/^[0-9a-f]{64}$/i.test(hash)) return { ok: false, reason: 'malformed' };
  const expected = createHmac('sha256', initDataSecret(botToken)).update(dataCheckString(params)).digest();
  const given = Buffer.from(hash, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  const authDate = Number(params.get('auth_date'));
  if (!Number.isInteger(authDate) || authDate <= 0) return { ok: false, reason: 'malformed' };
  const age = now.getTime() / 1000 - authDate;
  if (age > maxAgeSeconds || age < -FUTURE_SKEW_SECONDS) return { ok: false, reason: 'stale' };
  let user: InitDataUser;
  try {
    user = JSON.parse(params.get('user') ?? '') as InitDataUser;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!user || typeof user.id !== 'number' || !Number.isSafeInteger(user.id)) return { ok: false, reason: 'malformed' };
  return { ok: true, user, authDate: new Date(authDate * 1000) };
}
