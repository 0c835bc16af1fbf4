// Russian nouns change their endings with grammatical case: "перенеси Ромашку" names the
// deal "Ромашка", "напомни Ивану" the colleague "Иван". The parser returns names as
// written; these candidates let a lookup also try the likely dictionary forms.

// [ending, replacements], longest endings first; each replacement is a nominative guess
const ENDINGS: Array<[string, string[]]> = [
  ['ией', ['ия']],
  ['ию', ['ия']],
  ['ии', ['ия']],
  ['ой', ['а', 'ая', 'ый', 'ой', '']],
  ['ей', ['я', 'ь', 'ея', '']],
  ['ую', ['ая']],
  ['юю', ['яя']],
  ['ого', ['ый', 'ой', 'ий']],
  ['его', ['ий']],
  ['ому', ['ый', 'ой', 'ий']],
  ['ему', ['ий']],
  ['ом', ['', 'о']],
  ['ем', ['ь', 'й', 'е', '']],
  ['ам', ['а', 'ы', '']],
  ['ах', ['а', 'ы', '']],
  ['у', ['а', '']],
  ['ю', ['я', 'ь', 'й']],
  ['ы', ['а']],
  ['и', ['а', 'я', 'ь', 'й']],
  ['е', ['а', 'я', 'о', '', 'ь']],
  ['а', ['', 'о']],
  ['я', ['ь', 'й', 'е']],
];

const CYRILLIC_WORD = /^[А-Яа-яЁё-]+$/u;

function wordForms(word: string): string[] {
  if (!CYRILLIC_WORD.test(word) || word.length < 3) return [];
  const lower = word.toLowerCase();
  for (const [ending, replacements] of ENDINGS) {
    if (lower.endsWith(ending) && lower.length - ending.length >= 2) {
      const stem = word.slice(0, word.length - ending.length);
      return replacements.map((r) => stem + r).filter((f) => f !== word);
    }
  }
  return [];
}

/**
 * Names to try, best first: the name as written (without quotes), then dictionary-form
 * guesses for Russian words in an oblique case. "Ромашку" -> ["Ромашку", "Ромашка", "Ромашк"];
 * "Acme" -> ["Acme"].
 */
export function dealNameCandidates(name: string): string[] {
  const written = name
    .trim()
    .replace(/^[«"'“„]+|[»"'”]+$/gu, '')
    .trim();
  if (!written) return [];
  const out = [written];
  const words = written.split(/\s+/);
  const last = words[words.length - 1]!;
  for (const form of wordForms(last)) out.push([...words.slice(0, -1), form].join(' '));
  if (words.length > 1) {
    // every word inflected alike ("Зелёную Рощу" -> "Зелёная Роща")
    const firstForms = words.map((w) => wordForms(w)[0] ?? w);
    out.push(firstForms.join(' '));
  }
  return [...new Set(out)];
}

/** Same guesses for people's names ("Ивану" -> "Иван"). */
export const personNameCandidates = dealNameCandidates;
