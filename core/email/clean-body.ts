// The part of an email a manager needs to read: quoted history and the signature removed.
// The original is always kept by the caller; this only decides what to show.
//
// The quoted history starts at one of three things, each a small per-locale grammar:
// - an attribution line the client writes above the quote ("On <date>, <name> wrote:",
//   "Am <date> schrieb <name>:", "Le <date>, <name> a écrit :", "El <date>, <name> escribió:",
//   "W dniu <date> <name> pisze:", "<date>, <name> пишет:", Gmail's "<date> г. в <time>, <name> <email>:",
//   The Bat!'s "Вы писали <date>:", Mail.ru's "<date> от <name> <email>:"), also wrapped over two lines;
// - a header block (Outlook, GMX, Yandex, Apple Mail's forward view): a From/Von/De/От/Od line
//   or GMX's "Gesendet:" with two more header lines (Sent, Date, To, Subject in any of the
//   locales) right below it;
// - a separator ("-----Original Message-----" and its translations, Outlook's underscore rule).
// We use this grammar rather than email-reply-parser: that library has no Russian or Mail.ru/
// Yandex forms, and takes any "From: name <address>" line as the start of a quote, which cuts a
// forwarded request in half; here a header line counts only inside a block of headers.
import type { CleanedBody } from './types.js';

const WROTE =
  '(wrote|writes|a écrit|a ecrit|escribió|escribio|schrieb|schreef|ha scritto|scrisse|escreveu|pisze|napisał\\(a\\)|napisał|napisala|napisała|skrev|kirjoitti|пишет|писал|писала|написал|написала|написал\\(а\\)|написали|пише|написав|написала)';
/** A date, a time or an address: what real attribution lines carry and prose does not. */
const DATE_OR_ADDRESS = /(\d{1,2}[:.]\d{2}|\d{4}|<?[^\s<>]+@[^\s<>]+>?)/;
/** Lines that start the quoted history of a reply (the attribution). */
const ATTRIBUTION = [
  new RegExp(`^(on|le|am|el|il|em|op|w dniu|dnia|den|pe|ma|ti|ke|to)\\b.{0,300}\\b${WROTE}\\s*:?\\s*$`, 'iu'), // On <date>, <name> wrote:
  /^.{0,300}\s(пишет|писал|писала|написал|написала|написал\(а\)|написали|пише|написав):\s*$/iu, // 12.01.2024 10:00, Иван <i@x> пишет:
  /^.{0,120}\d{4}\s*(г\.)?.{0,120}<[^<>\s]+@[^<>\s]+>:\s*$/u, // Gmail ru/uk/pl...: "пн, 15 янв. 2024 г. в 12:00, Иван <i@x>:"
  /^.{0,200}\sот\s.{0,120}<?[^<>\s]+@[^<>\s]+>?:\s*$/iu, // Mail.ru: "Понедельник, 15 января 2024, 12:00 +03:00 от Иван <i@x>:"
  /^\s*(вы|ты) писали?(?![\p{L}]).{0,80}:\s*$/iu, // The Bat!: "Вы писали 13 апреля 2015 г., 8:32:33:"
  /^\s*you wrote\b.{0,80}:\s*$/i, // The Bat! en: "You wrote 1 January 2024, 10:00:00:"
];
/** "<name> schrieb am <date>:", "<date> <name> <address> wrote:" (no leading word): only with a date or an address in the line. */
const ATTRIBUTION_LOOSE = new RegExp(`^.{0,300}\\s${WROTE}(?![\\p{L}]).{0,120}:\\s*$`, 'iu');

function isAttributionLine(line: string, strict = false): boolean {
  const l = line.trim();
  return ATTRIBUTION.some((re) => re.test(l)) || (!strict && ATTRIBUTION_LOOSE.test(l) && DATE_OR_ADDRESS.test(l));
}

/** A forwarded message is content, not quoted history: nothing after its marker is cut. */
const FORWARD_MARKER =
  /^\s*-{2,}\s*(forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|messaggio inoltrato|mensagem encaminhada|wiadomość przekazana|doorgestuurd bericht|przekazana wiadomość|пересылаемое сообщение|пересланное сообщение|перенаправленное сообщение|переадресованное сообщение)|^\s*(begin forwarded message|начало переадресованного сообщения)\s*:/iu;

const SEPARATOR = [
  /^\s*-{2,}\s*(original message|reply message|ursprüngliche nachricht|originalnachricht|message d'origine|message original|mensaje original|messaggio originale|mensagem original|oorspronkelijk bericht|origineel bericht|wiadomość oryginalna|oryginalna wiadomość|původní zpráva|originalmeddelande|oprindelig meddelelse|opprinnelig melding|alkuperäinen viesti|исходное сообщение|оригинальное сообщение|вихідне повідомлення)\s*-{2,}\s*$/iu,
  /^_{10,}\s*$/, // Outlook web: a line of underscores before the header block
  /^\s*\S.{0,150}\s---\s.{1,200}\s---\s*$/, // Lotus Notes: "<sender> --- <subject> ---" above the quoted section
];
/** A header block flattened into one line (Lotus Notes and HTML tables): "Von: x An y Datum: z Betreff w". */
const INLINE_HEADERS =
  /^\s*\*?(from|von|de|от|od|van|da)\s*\*?:.{1,300}\s\*?(sent|date|gesendet|datum|envoyé|enviado|fecha|отправлено|дата|wysłano|data|verzonden|inviato)\s*\*?:/iu;
/** One line of a quoted header block, by field, in the locales of the common clients. */
const HEADER_FIELDS: Array<[string, RegExp]> = [
  ['from', /^\s*\*?(from|von|de|от|od|van|da|fra|från|lähettäjä|feladó|kimden|от кого|від)\s*\*?\s*:\*?\s*\S/iu],
  [
    'sent',
    /^\s*\*?(sent|date|gesendet|datum|envoyé|envoye|date d'envoi|enviado|fecha|отправлено|дата|wysłano|data|verzonden|inviato|sendt|skickat|lähetetty|elküldve|tarih|надіслано)\s*\*?\s*:/iu,
  ],
  ['to', /^\s*\*?(to|an|à|a|para|кому|do|aan|til|till|vastaanottaja|címzett|kime|komu)\s*\*?\s*:/iu],
  ['subject', /^\s*\*?(subject|betreff|objet|asunto|тема|temat|onderwerp|oggetto|assunto|emne|ämne|aihe|tárgy|konu|předmět)\s*\*?\s*:/iu],
  ['cc', /^\s*\*?(cc|копия|kopie|kopia|copie)\s*\*?\s*:/iu],
];

function headerField(line: string): string | null {
  for (const [field, re] of HEADER_FIELDS) if (re.test(line)) return field;
  return null;
}

/** A quoted header block starts here: a From (or GMX's Sent first) line with two more header fields below it. */
function isHeaderBlock(lines: string[], i: number): boolean {
  const first = headerField(lines[i]!);
  if (first !== 'from' && first !== 'sent') return false;
  const fields = new Set([first]);
  for (const l of lines.slice(i + 1, i + 6)) {
    const f = headerField(l);
    if (f) fields.add(f);
    else if (l.trim() && !/^\s/.test(l)) break; // a folded header line continues, anything else ends the block
  }
  return fields.size >= 3 || (fields.has('from') && fields.has('sent'));
}

/** "JCH> text" (The Bat!, Outlook Express with initials) and "> text". */
const QUOTED = /^\s*(\p{Lu}{1,4})?>/u;

const SIG_DASHES = /^--\s?$/;
const SIGN_OFF = new RegExp(
  '^\\s*(' +
    [
      // en
      'best( regards| wishes)?',
      'kind regards',
      'warm regards',
      'regards',
      'many thanks',
      'thanks( and regards| again)?',
      'thank you( very much)?',
      'cheers',
      'sincerely( yours)?',
      'yours( sincerely| truly)?',
      'all the best',
      'br',
      // ru, uk
      'с уважением',
      'с наилучшими пожеланиями',
      'всего доброго',
      'всего хорошего',
      'всего наилучшего',
      'спасибо( заранее)?',
      'заранее спасибо',
      'благодарю',
      'с благодарностью',
      'з повагою',
      // de
      'mit freundlichen grüßen',
      'mit freundlichen grüssen',
      'freundliche grüße',
      'viele grüße',
      'beste grüße',
      'liebe grüße',
      'herzliche grüße',
      'grüße',
      'gruß',
      'mfg',
      // fr
      'cordialement',
      'bien cordialement',
      'bien à vous',
      'salutations',
      'meilleures salutations',
      // es, pt, it
      'saludos( cordiales)?',
      'un saludo',
      'atentamente',
      'cordiales saludos',
      'atenciosamente',
      'cordiali saluti',
      'distinti saluti',
      // pl, nl
      'pozdrawiam',
      'z poważaniem',
      'pozdrowienia',
      'met vriendelijke groet(en)?',
    ].join('|') +
    ')\\s*[,.!]?\\s*(-.*)?$',
  'iu',
);
const MOBILE_FOOTER = new RegExp(
  '^\\s*(' +
    [
      'sent from my \\w+.*',
      'sent from (mail|outlook|yahoo mail|gmail)\\b.*',
      'get outlook for \\w+.*',
      'sent via .{0,40}mobile.*',
      'von meinem \\S+ gesendet.*',
      'gesendet von meinem .*',
      'envoyé de mon .*',
      'envoyé depuis .*',
      'enviado desde mi .*',
      'enviado do meu .*',
      'inviato da .*',
      'wysłane z (mojego )?.*',
      'verzonden (vanaf|met) .*',
      'отправлено с (iphone|ipad|android|моего).*',
      'отправлено из мобильной .*',
      'отправлено из приложения .*',
      'с уважением,? отправлено с .*',
      'отправлено с мобильного.*',
      'скачайте outlook для .*',
    ].join('|') +
    ')\\s*$',
  'iu',
);

export function cleanBody(original: string): CleanedBody {
  const text = original.replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  let stripped = false;

  // 1. quoted history
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const twoLines = `${line} ${lines[i + 1] ?? ''}`.trim();
    if (FORWARD_MARKER.test(line)) {
      kept.push(...lines.slice(i));
      break;
    }
    const isAttribution = isAttributionLine(line);
    const isAttributionWrapped =
      !isAttribution &&
      line.trim() !== '' &&
      !QUOTED.test(line) &&
      !isAttributionLine(lines[i + 1] ?? '', true) &&
      isAttributionLine(twoLines, true) &&
      /^\s*(\p{Lu}{1,4})?>|^\s*$/u.test(lines[i + 2] ?? '');
    if (isAttribution || isAttributionWrapped) {
      stripped = true;
      let j = i + (isAttributionWrapped ? 2 : 1);
      // the quoted block the attribution introduces
      while (j < lines.length && (QUOTED.test(lines[j]!) || lines[j]!.trim() === '')) j++;
      // an unquoted history (no ">" at all) runs to the end: cut everything
      const quotedAfter = lines.slice(i + 1, j).some((l) => QUOTED.test(l));
      if (!quotedAfter) break;
      i = j - 1;
      continue;
    }
    if (SEPARATOR.some((re) => re.test(line)) || isHeaderBlock(lines, i) || INLINE_HEADERS.test(line)) {
      stripped = true;
      break;
    }
    if (QUOTED.test(line)) {
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
