// Guesses the CSV delimiter (comma, semicolon or tab) from the first lines: the candidate
// that occurs outside quotes most consistently wins. Russian Excel writes ";" by default.

const CANDIDATES = [',', ';', '\t'] as const;
export type Delimiter = (typeof CANDIDATES)[number];

function countOutsideQuotes(line: string, ch: string): number {
  let n = 0;
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === ch && !quoted) n++;
  }
  return n;
}

export function detectDelimiter(text: string): Delimiter {
  const lines = text
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .slice(0, 10);
  if (!lines.length) return ',';
  let best: Delimiter = ',';
  let bestScore = 0;
  for (const d of CANDIDATES) {
    const counts = lines.map((l) => countOutsideQuotes(l, d));
    const header = counts[0] ?? 0;
    if (header === 0) continue;
    // the header's count, rewarded when the following lines agree with it
    const agreeing = counts.filter((c) => c === header).length;
    const score = header * agreeing;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}
