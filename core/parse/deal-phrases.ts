// Deal commands in plain language: stage moves ("move Acme to negotiation", "перенеси
// Ромашку в переговоры"), closing ("Acme won", "сделка Ромашка проиграна — дорого") and new
// deals ("сделка Ромашка 50 000 руб", "new deal Acme $5k"). Deal names come back as written
// (maybe inflected: see dealNameCandidates).
import type { CreateDealIntent, LostDealIntent, MoveDealIntent, SetDealAmountIntent, Stage, WonDealIntent } from './intent.js';
import { extractMoney, type Money } from './money.js';
import { normalizeStage } from './stages.js';

export type DealIntent = MoveDealIntent | WonDealIntent | LostDealIntent | CreateDealIntent | SetDealAmountIntent;

const PRONOUNS = /^(?:i|we|you|they|he|she|it|this|that|me|us|я|мы|вы|ты|они|он|она|оно|это|всё|все)$/iu;
const QUOTES = /^[«"'“„]+|[»"'”]+$/gu;

/** A deal name as written, trimmed of quotes and punctuation; null when it cannot be one. */
function dealName(raw: string): string | null {
  const name = raw
    .trim()
    .replace(/[\s,.;:!—–-]+$/u, '')
    .replace(/^(?:the\s+)?(?:deal|сделк[ауи]|сделкой)\s+/iu, '')
    .replace(QUOTES, '')
    .trim();
  if (!name || name.length > 60 || name.split(/\s+/).length > 4) return null;
  if (PRONOUNS.test(name) || /[?]/.test(name) || !/[\p{L}\d]/u.test(name)) return null;
  return name;
}

function reasonText(raw: string | undefined): string | undefined {
  const r = raw
    ?.trim()
    .replace(/^(?:because(?:\s+of)?|потому\s+что|так\s+как|причина:?|reason:?)\s+/iu, '')
    .replace(/[\s.!]+$/u, '')
    .trim();
  return r ? r : undefined;
}

function closing(stage: Stage, deal: string, reason?: string): WonDealIntent | LostDealIntent {
  if (stage === 'Won') return { intent: 'won_deal', deal };
  return reason ? { intent: 'lost_deal', deal, reason } : { intent: 'lost_deal', deal };
}

// separators between a deal name and a lost reason: "Acme lost: too expensive", "проиграна — дорого"
const REASON_SEP = String.raw`(?:\s*[:—–]\s*|\s+-\s+|\s*,\s*|\s+(?=(?:because|due\s+to|потому\s+что|так\s+как|из-за|причина)(?![\p{L}])))`;
const END = String.raw`[.!]*$`;

const WON: RegExp[] = [
  /^\/won(?:@\w+)?\s+(?<deal>.+)$/iu,
  /^(?:mark|close|set)\s+(?:the\s+)?(?:deal\s+)?(?<deal>.+?)\s+(?:as\s+)?won[.!]*$/iu,
  /^(?<deal>.+?)\s+(?:(?:is|was|has\s+been|got)\s+)?(?:won|closed[\s-]won)[.!]*$/iu,
  /^(?:we\s+)?won\s+(?:the\s+)?(?<deal>.+?)[.!]*$/iu,
  /^(?:отметь|закрой)\s+(?:сделку\s+)?(?<deal>.+?)\s+как\s+выигранн(?:ую|ая)[.!]*$/iu,
  /^(?<deal>.+?)\s*(?:[—–:]|\s-)?\s+(?:выиграна|выиграно|выиграли|закрыта\s+успешно|успешно\s+закрыта)[.!]*$/iu,
  /^(?:выиграли|закрыли)\s+(?:сделку\s+)?(?<deal>.+?)[.!]*$/iu,
];

const LOST: RegExp[] = [
  new RegExp(String.raw`^\/lost(?:@\w+)?\s+(?<deal>.+?)(?:${REASON_SEP}(?<reason>.+))?$`, 'iu'),
  new RegExp(String.raw`^(?:mark|close|set)\s+(?:the\s+)?(?:deal\s+)?(?<deal>.+?)\s+(?:as\s+)?lost(?:${REASON_SEP}(?<reason>.+)|${END})`, 'iu'),
  new RegExp(String.raw`^(?<deal>.+?)\s+(?:(?:is|was|has\s+been|got)\s+)?(?:lost|closed[\s-]lost)(?:${REASON_SEP}(?<reason>.+)|${END})`, 'iu'),
  new RegExp(String.raw`^(?:we\s+)?lost\s+(?:the\s+)?(?<deal>.+?)(?:${REASON_SEP}(?<reason>.+)|${END})`, 'iu'),
  new RegExp(String.raw`^(?:отметь|закрой)\s+(?:сделку\s+)?(?<deal>.+?)\s+как\s+проигранн(?:ую|ая)(?:${REASON_SEP}(?<reason>.+)|${END})`, 'iu'),
  new RegExp(
    String.raw`^(?<deal>.+?)\s*(?:[—–:]|\s-)?\s+(?:проиграна|проиграно|проиграли|потеряна|потеряли|слита|слили|отказались)(?:${REASON_SEP}(?<reason>.+)|${END})`,
    'iu',
  ),
  new RegExp(String.raw`^(?:проиграли|потеряли|слили)\s+(?:сделку\s+)?(?<deal>.+?)(?:${REASON_SEP}(?<reason>.+)|${END})`, 'iu'),
];

const MOVE_VERB = /^(?:\/stage(?:@\w+)?|move|set|put|shift|advance|push|перенеси|перемести|передвинь|переведи|двинь|поставь|перекинь)\s+/iu;
const MOVE_SEP = /\s+(?:to|into|в|во|на)\s+(?:(?:the\s+)?(?:stage|этап|стадию)\s+)?|\s*(?:->|→|=>)\s*/giu;

function parseMove(text: string): DealIntent | null {
  const verb = MOVE_VERB.exec(text);
  let body = verb ? text.slice(verb[0].length) : text;
  body = body.replace(/^(?:the\s+)?(?:deal|сделк[ауи])\s+/iu, '');
  // try each separator: deal names may contain "в"/"to" themselves
  for (const m of body.matchAll(MOVE_SEP)) {
    const stage = normalizeStage(body.slice(m.index + m[0].length));
    const deal = dealName(body.slice(0, m.index));
    if (stage && deal) return stage === 'Won' || stage === 'Lost' ? closing(stage, deal) : { intent: 'move_deal', deal, stage };
  }
  if (verb && /^\/stage/iu.test(verb[0])) {
    // "/stage Acme negotiation": the last word(s) name the stage
    const words = body.trim().split(/\s+/);
    for (const n of [2, 1]) {
      if (words.length <= n) continue;
      const stage = normalizeStage(words.slice(-n).join(' '));
      const deal = dealName(words.slice(0, -n).join(' '));
      if (stage && deal) return stage === 'Won' || stage === 'Lost' ? closing(stage, deal) : { intent: 'move_deal', deal, stage };
    }
  }
  return null;
}

function parseClose(text: string): DealIntent | null {
  for (const re of LOST) {
    const m = re.exec(text);
    const deal = m && dealName(m.groups!.deal!);
    if (deal) return closing('Lost', deal, reasonText(m.groups!.reason));
  }
  for (const re of WON) {
    const m = re.exec(text);
    const deal = m && dealName(m.groups!.deal!);
    if (deal) return closing('Won', deal);
  }
  return null;
}

const CREATE =
  /^(?:\/deal(?:@\w+)?|(?:create|add|open|new)\s+(?:a\s+)?(?:new\s+)?deal|deal|(?:(?:создай|создать|открой|заведи|добавь|новая)\s+)?(?:новую\s+)?сделк[ау])(?:\s*:)?\s+(?<rest>.+)$/iu;
const TITLE_EDGE_WORDS =
  /^(?:for|worth|of|at|on|with|на\s+сумму|на|за|с\s+суммой|суммой|сумма)(?![\p{L}])|(?:for|worth|of|at|on|with|на\s+сумму|на|за|с\s+суммой|суммой|сумма)$/iu;

/** The whole text is one amount ("1 700 000 руб", "120k", "$5k"), nothing else. */
function wholeMoney(text: string): Money | null {
  const money = extractMoney(text);
  if (!money) return null;
  const outside = `${text.slice(0, money.index)} ${text.slice(money.end)}`.replace(/[\s,.;:—–=-]+/gu, '');
  return outside === '' ? money : null;
}

/**
 * What follows "/deal" or "new deal": "12 1700000 RUB" (lead #12 with an amount) or
 * "Acme 120 000 RUB" (a name and an amount). A lead number is the first word only when
 * the rest is nothing but an amount.
 */
export function dealArgs(rest: string, defaultCurrency: string | null): { leadId?: number; title: string; amount: string; currency: string | null } | null {
  const byLead = /^#?(\d{1,9})\s+(.+)$/u.exec(rest.trim());
  const leadMoney = byLead ? wholeMoney(byLead[2]!) : null;
  if (byLead && leadMoney) return { leadId: Number(byLead[1]), title: '', amount: leadMoney.amount, currency: leadMoney.currency ?? defaultCurrency };
  const money = extractMoney(rest);
  if (!money) return null;
  // a bare small number is more likely part of the name ("Альфа 2") than an amount
  const said = rest.slice(money.index, money.end);
  if (!money.currency && !/[^\d\s.,]/u.test(said) && money.amount.replace(/\..*/, '').length < 3) return null;
  let title = `${rest.slice(0, money.index)} ${rest.slice(money.end)}`.replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 3; i++)
    title = title
      .replace(/^[\s,.;:—–-]+|[\s,.;:—–-]+$/gu, '')
      .replace(TITLE_EDGE_WORDS, '')
      .trim();
  const name = dealName(title);
  if (!name) return null;
  return { title: name, amount: money.amount, currency: money.currency ?? defaultCurrency };
}

function parseCreate(text: string, defaultCurrency: string): CreateDealIntent | null {
  const m = CREATE.exec(text);
  if (!m) return null;
  const args = dealArgs(m.groups!.rest!, defaultCurrency);
  if (!args) return null;
  const intent: CreateDealIntent = { intent: 'create_deal', title: args.title, amount: args.amount, currency: args.currency ?? defaultCurrency };
  return args.leadId === undefined ? intent : { ...intent, leadId: args.leadId };
}

// "/amount 5 120000 RUB", "/сумма Ромашка 50 000", "deal 5 amount 120k", "сделка Ромашка сумма 1,5 млн",
// "set the amount of Acme to $5k", "измени сумму сделки Ромашка на 50 000 руб"
const AMOUNT_WORD = String.raw`(?:amount|value|sum|сумм[аеуы]|стоимость)`;
const AMOUNT: RegExp[] = [
  /^(?:\/(?:amount|сумма)(?:@\w+)?|amount|сумма)\s+(?<deal>.+)$/iu,
  new RegExp(String.raw`^(?:the\s+)?(?:deal|сделк[аеуи])\s+(?<deal>.+?)\s+${AMOUNT_WORD}(?:\s+(?:is|to|на|=)|\s*[:=])?\s+(?<money>.+)$`, 'iu'),
  new RegExp(
    String.raw`^(?:(?:set|change|update|make)\s+(?:the\s+)?)?(?:deal\s+)?${AMOUNT_WORD}\s+(?:of|for|on)\s+(?:the\s+)?(?:deal\s+)?(?<deal>.+?)\s+(?:to|=|is|:)\s*(?<money>.+)$`,
    'iu',
  ),
  new RegExp(
    String.raw`^(?:(?:измени|поменяй|поставь|установи|укажи|обнови)\s+)?${AMOUNT_WORD}\s+(?:(?:у|для|по)\s+)?(?:сделк[аеуи]\s+)?(?<deal>.+?)\s*(?:\s(?:на|=)|[:=]|—|–)\s*(?<money>.+)$`,
    'iu',
  ),
];

function parseAmount(text: string): SetDealAmountIntent | null {
  for (const re of AMOUNT) {
    const m = re.exec(text);
    if (!m) continue;
    let deal = m.groups!.deal!;
    let money = m.groups!.money ? wholeMoney(m.groups!.money) : null;
    if (!m.groups!.money) {
      // "/amount 5 1 700 000 RUB": the shortest deal whose remainder is nothing but an amount
      const words = deal.split(/\s+/);
      for (let k = 1; k < words.length && !money; k++) {
        money = wholeMoney(words.slice(k).join(' '));
        if (money) deal = words.slice(0, k).join(' ');
      }
    }
    const name = dealName(deal.replace(/^#(?=\d)/, '').replace(/\s+(?:to|на|=|:)$/iu, ''));
    if (!money || !name) continue;
    return { intent: 'set_deal_amount', deal: name, amount: money.amount, currency: money.currency };
  }
  return null;
}

/** A deal intent, or null when the text is not about a deal. */
export function parseDealPhrase(text: string, defaultCurrency: string): DealIntent | null {
  const s = text.trim().replace(/\s+/g, ' ');
  if (/\?\s*$/.test(s)) return null;
  return parseAmount(s) ?? parseMove(s) ?? parseClose(s) ?? parseCreate(s, defaultCurrency);
}
