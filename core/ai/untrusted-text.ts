// Customer text (chat messages, email bodies) is DATA for the model, never instructions.
// Before it goes into a prompt it is reduced to what a person reading the message would
// see: HTML comments, hidden elements (display:none, visibility:hidden, zero font size,
// white-on-white text), scripts and styles are dropped, tags removed, invisible Unicode
// (zero-width, bidi overrides) stripped, and the length capped. The result is then
// JSON-encoded inside a labelled user message (prompt.ts), so it cannot close a delimiter.

const HIDDEN_STYLE =
  /(display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|opacity\s*:\s*0(?![.\d]*[1-9])|color\s*:\s*(#fff\b|#ffffff\b|white\b|rgba?\(\s*255\s*,\s*255\s*,\s*255)|(max-)?height\s*:\s*0(px)?\s*(;|$)|mso-hide\s*:\s*all)/i;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', laquo: '«', raquo: '»', mdash: '—', ndash: '–' };

/** Removes elements whose own style or attributes hide them, with their content (nested tags of the same name included). */
function dropHiddenElements(html: string): string {
  let out = html;
  for (let guard = 0; guard < 50; guard++) {
    const m = /<([a-z][a-z0-9]*)\b([^>]*)>/gi;
    let changed = false;
    let match: RegExpExecArray | null;
    while ((match = m.exec(out))) {
      const [open, tag, attrs] = match as unknown as [string, string, string];
      const style = /style\s*=\s*("([^"]*)"|'([^']*)')/i.exec(attrs);
      const hidden = (style && HIDDEN_STYLE.test(style[2] ?? style[3] ?? '')) || /\shidden(\s|=|$)/i.test(attrs) || /aria-hidden\s*=\s*["']?true/i.test(attrs);
      if (!hidden) continue;
      const end = closingIndex(out, tag!.toLowerCase(), match.index + open.length);
      out = out.slice(0, match.index) + ' ' + out.slice(end);
      changed = true;
      break;
    }
    if (!changed) break;
  }
  return out;
}

/** Index just past the matching closing tag (or the end of the text when unclosed). */
function closingIndex(html: string, tag: string, from: number): number {
  const re = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'gi');
  re.lastIndex = from;
  let depth = 1;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) {
    if (m[0].endsWith('/>')) continue;
    depth += m[1] ? -1 : 1;
    if (depth === 0) return m.index + m[0].length;
  }
  return html.length;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, name: string) => {
    if (name[0] === '#') {
      const code = name[1]?.toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ' ';
    }
    return ENTITIES[name.toLowerCase()] ?? all;
  });
}

export function looksLikeHtml(text: string): boolean {
  return /<(html|body|div|p|span|br|table|font|a|!--)\b/i.test(text);
}

/** What a person would see of an HTML body: hidden parts dropped, tags removed. */
export function visibleTextOfHtml(html: string): string {
  let s = html.replace(/<!--[\s\S]*?(-->|$)/g, ' ');
  s = s.replace(/<(script|style|head|template|noscript|title)\b[\s\S]*?(<\/\1\s*>|$)/gi, ' ');
  s = dropHiddenElements(s);
  s = s.replace(/<br\s*\/?>|<\/(p|div|li|tr|h[1-6])>/gi, '\n');
  s = s.replace(/<[^>]*>/g, ' ');
  return decodeEntities(s);
}

/** Zero-width characters, bidi overrides and other invisible format characters. */
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u{E0000}-\u{E007F}]/gu;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** The text of a customer's message as it may appear (as data) in a prompt. */
export function untrustedText(raw: string, maxChars = 4000): string {
  let s = looksLikeHtml(raw) ? visibleTextOfHtml(raw) : raw;
  s = s.replace(INVISIBLE, '').replace(CONTROL, ' ').replace(/\r\n?/g, '\n');
  s = s
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return s.length > maxChars ? s.slice(0, maxChars) + ' […]' : s;
}
