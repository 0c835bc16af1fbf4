// Email addresses are stored trimmed and lower-cased; anything that does not look like
// local@domain.tld is rejected (null).

// letters of any script are allowed (internationalised addresses such as иван@почта.рф)
const LOCAL = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const LABEL = /^(?!-)[\p{L}\p{N}-]{1,63}(?<!-)$/u;
const TLD = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{2,59})$/u;

/** "  Ivan@Example.COM " -> "ivan@example.com"; "Ivan <ivan@x.ru>" and "mailto:" are unwrapped; invalid -> null. */
export function normalizeEmail(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  let s = String(raw).trim();
  const angle = /<([^<>]+)>\s*$/.exec(s);
  if (angle?.[1]) s = angle[1].trim();
  s = s.replace(/^mailto:/i, '').toLowerCase();
  if (s.length === 0 || s.length > 254) return null;
  const at = s.lastIndexOf('@');
  if (at <= 0 || at !== s.indexOf('@')) return null;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local.length > 64 || !LOCAL.test(local)) return null;
  const labels = domain.split('.');
  if (labels.length < 2) return null;
  if (!labels.every((l) => LABEL.test(l))) return null;
  if (!TLD.test(labels[labels.length - 1] ?? '')) return null;
  return s;
}
