// Time zones named in a phrase ("4pm CET", "в 16:00 МСК", "10:00 UTC+3", "9am Europe/London",
// "по московскому времени"). An abbreviation stands for its region's IANA zone (so "EST"
// written in July still means New York's clock) and also for its literal offset; when the
// two disagree on the day in question the parser asks instead of picking one.
import { isValidTimeZone } from '../time/zoned.js';

export interface ZoneRef {
  /** The IANA zone whose wall clock the phrase's time is read on (fixed offsets as Etc/GMT±N or an offset). */
  zone: string | null;
  /** A fixed UTC offset in minutes (UTC+3 -> 180), when the phrase gave one or the abbreviation implies one. */
  offsetMinutes: number | null;
}

// abbreviation -> [region zone, literal offset in minutes]
const ABBREVIATIONS: Record<string, [string, number | null]> = {
  utc: ['UTC', 0],
  gmt: ['UTC', 0],
  z: ['UTC', 0],
  wet: ['Europe/Lisbon', 0],
  west: ['Europe/Lisbon', 60],
  bst: ['Europe/London', 60],
  cet: ['Europe/Berlin', 60],
  cest: ['Europe/Berlin', 120],
  eet: ['Europe/Helsinki', 120],
  eest: ['Europe/Helsinki', 180],
  msk: ['Europe/Moscow', 180],
  мск: ['Europe/Moscow', 180],
  samt: ['Europe/Samara', 240],
  yekt: ['Asia/Yekaterinburg', 300],
  екб: ['Asia/Yekaterinburg', 300],
  novt: ['Asia/Novosibirsk', 420],
  ist: ['Asia/Kolkata', 330],
  gst: ['Asia/Dubai', 240],
  sgt: ['Asia/Singapore', 480],
  hkt: ['Asia/Hong_Kong', 480],
  jst: ['Asia/Tokyo', 540],
  kst: ['Asia/Seoul', 540],
  aest: ['Australia/Sydney', 600],
  aedt: ['Australia/Sydney', 660],
  et: ['America/New_York', null],
  est: ['America/New_York', -300],
  edt: ['America/New_York', -240],
  ct: ['America/Chicago', null],
  cst: ['America/Chicago', -360],
  cdt: ['America/Chicago', -300],
  mt: ['America/Denver', null],
  mst: ['America/Denver', -420],
  mdt: ['America/Denver', -360],
  pt: ['America/Los_Angeles', null],
  pst: ['America/Los_Angeles', -480],
  pdt: ['America/Los_Angeles', -420],
};

/** Abbreviations that are also common words: a zone only right after a time ("at 5 ET"). */
const WEAK = new Set(['z', 'et', 'ct', 'mt', 'pt', 'ist', 'gst', 'west', 'est']);

export function zoneAbbreviation(word: string, afterTime: boolean): ZoneRef | null {
  const hit = ABBREVIATIONS[word];
  if (!hit || (WEAK.has(word) && !afterTime)) return null;
  return { zone: hit[0], offsetMinutes: hit[1] };
}

// cities said as "по Москве", "moscow time", "по московскому (времени)"
const CITIES: Array<[string[], string]> = [
  [['moscow', 'москве', 'москва', 'московскому', 'московского', 'мск'], 'Europe/Moscow'],
  [['london', 'лондону', 'лондонскому', 'лондона'], 'Europe/London'],
  [['berlin', 'берлину'], 'Europe/Berlin'],
  [['paris', 'парижу'], 'Europe/Paris'],
  [['kyiv', 'kiev', 'киеву', 'киевскому'], 'Europe/Kyiv'],
  [['minsk', 'минску'], 'Europe/Minsk'],
  [['istanbul', 'стамбулу'], 'Europe/Istanbul'],
  [['dubai', 'дубаю'], 'Asia/Dubai'],
  [['almaty', 'алматы'], 'Asia/Almaty'],
  [['tashkent', 'ташкенту'], 'Asia/Tashkent'],
  [['yekaterinburg', 'екатеринбургу', 'екатеринбургскому'], 'Asia/Yekaterinburg'],
  [['novosibirsk', 'новосибирску', 'новосибирскому'], 'Asia/Novosibirsk'],
  [['vladivostok', 'владивостоку', 'владивостокскому'], 'Asia/Vladivostok'],
  [['tokyo', 'токио'], 'Asia/Tokyo'],
  [['singapore', 'сингапуру'], 'Asia/Singapore'],
  [['york', 'нью-йорку'], 'America/New_York'],
  [['chicago', 'чикаго'], 'America/Chicago'],
  [['california', 'pacific', 'калифорнии'], 'America/Los_Angeles'],
  [['eastern'], 'America/New_York'],
  [['central'], 'America/Chicago'],
];
const CITY = new Map<string, string>();
for (const [words, zone] of CITIES) for (const w of words) CITY.set(w, zone);

export function cityZone(word: string): string | null {
  return CITY.get(word) ?? null;
}

/** An IANA name written in the text ("Europe/London"), validated against Intl. */
export function ianaZone(raw: string): string | null {
  if (!/^[A-Za-z]+\/[A-Za-z_]+(?:\/[A-Za-z_]+)?$/.test(raw)) return null;
  const name = raw
    .split('/')
    .map((p) => p.replace(/(^|_)([a-z])/g, (_m, s: string, c: string) => s + c.toUpperCase()))
    .join('/');
  for (const candidate of [raw, name]) if (isValidTimeZone(candidate)) return candidate;
  return null;
}
