// The part of an email a manager needs to read: quoted history and the signature removed.
// The original is always kept by the caller; this only decides what to show.
import type { CleanedBody } from './types.js';

/** Lines that start the quoted history of a reply (the attribution or a header block). */
const ATTRIBUTION = [
  /^on\b.{0,300}\bwrote:\s*$/i, // On Mon, 1 Jan 2024, John <j@x> wrote:
  /^le\b.{0,300}\ba écrit\s*:\s*$/i,
  /^am\b.{0,300}\bschrieb.{0,80}:\s*$/i,
  /^el\b.{0,300}\bescribió:\s*$/i,
  /^.{0,300}\s(пишет|писал|писала|написал|написала|написал\(а\)|написали):\s*$/i, // 12.01.2024 10:00, Иван <i@x> пишет:
  /^.{0,120}\d{4}\s*(г\.)?.{0,120}<[^<>\s]+@[^<>\s]+>:\s*$/, // Gmail ru: "пн, 15 янв. 2024 г. в 12:00, Иван <i@x>:"
];
const SEPARATOR = [
  /^\s*-{2,}\s*original message\s*-{2,}\s*$/i,
  /^\s*-{2,}\s*исходное сообщение\s*-{2,}\s*$/i,
  /^\s*-{2,}\s*(reply message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale)\s*-{2,}\s*$/i,
  /^_{10,}\s*$/, // Outlook web: a line of underscores before the header block
];
/** Outlook-style header block: "From: ..." followed closely by "Sent:"/"Date:" (en/ru). */
const HEADER_FROM = /^\s*\*?(from|от|de|von)\s*:\*?\s+\S/i;
const HEADER_NEXT = /^\s*\*?(sent|date|to|subject|отправлено|дата|кому|тема|envoyé|gesendet)\s*:/i;

const SIG_DASHES = /^--\s?$/;
const SIGN_OFF =
  /^\s*(best( regards| wishes)?|kind regards|warm regards|regards|many thanks|thanks( and regards| again)?|thank you( very much)?|cheers|sincerely( yours)?|yours( sincerely| truly)?|all the best|br|с уважением|с наилучшими пожеланиями|всего доброго|всего хорошего|спасибо( заранее)?|заранее спасибо|благодарю|с благодарностью|mit freundlichen grüßen|cordialement)\s*[,.!]?\s*(-.*)?$/i;
const MOBILE_FOOTER =
  /^\s*(sent from my \w+|sent from (mail|outlook|yahoo mail|gmail)\b.*|get outlook for \w+.*|sent from my (iphone|ipad|android|samsung|mobile|phone).*|отправлено с (iphone|ipad|android|моего).*|отправлено из мобильной .*|с уважением,? отправлено с .*|отправлено с мобильного.*|sent via .{0,40}mobile.*)\s*$/i;

export function cleanBody(original: string): CleanedBody {
  const text = original.replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  let stripped = false;

  // 1. quoted history
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const twoLines = `${line} ${lines[i + 1] ?? ''}`.trim();
    const isAttribution = ATTRIBUTION.some((re) => re.test(line.trim()));
    const isAttributionWrapped =
      !isAttribution && line.trim() !== '' && !line.startsWith('>') && ATTRIBUTION.some((re) => re.test(twoLines)) && /^\s*>|^\s*$/.test(lines[i + 2] ?? '');
    if (isAttribution || isAttributionWrapped) {
      stripped = true;
      let j = i + (isAttributionWrapped ? 2 : 1);
      // the quoted block the attribution introduces
      while (j < lines.length && (lines[j]!.startsWith('>') || lines[j]!.trim() === '')) j++;
      // an unquoted history (no ">" at all) runs to the end: cut everything
      const quotedAfter = lines.slice(i + 1, j).some((l) => l.startsWith('>'));
      if (!quotedAfter) break;
      i = j - 1;
      continue;
    }
    if (SEPARATOR.some((re) => re.test(line)) || (HEADER_FROM.test(line) && lines.slice(i + 1, i + 5).some((l) => HEADER_NEXT.test(l)))) {
      stripped = true;
      break;
    }
    if (/^\s*>/.test(line)) {
      stripped = true;
      continue;
    }
    kept.push(line);
  }

  // 2. signature: "-- ", a sign-off line near the end, a mobile footer
  let signature: string[] | null = null;
  for (let i = 0; i < kept.length; i++) {
    const line = kept[i]!;
    const before = kept.slice(0, i).some((l) => l.trim());
    if (!before) continue;
    const rest = kept.slice(i + 1).filter((l) => l.trim());
    if (SIG_DASHES.test(line) || MOBILE_FOOTER.test(line) || (SIGN_OFF.test(line) && rest.length <= 8)) {
      // the marker line itself goes; what follows it is the signature
      signature = kept.splice(i).slice(1);
      stripped = true;
      break;
    }
  }

  const result = tidy(kept.join('\n'));
  if (!result) return { text: tidy(text), stripped: false, signature: null };
  const sig = signature ? tidy(signature.join('\n')) : '';
  return { text: result, stripped, signature: sig || null };
}

function tidy(s: string): string {
  return s
    .split('\n')
    .map((l) => l.replace(/[ \t\u00a0]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
