// Stage words managers use, in English and Russian, mapped to the canonical stage names
// of the default pipeline (core/workspaces/default-pipeline.ts).
import type { Stage } from './intent.js';

const STAGE_WORDS: Array<[RegExp, Stage]> = [
  [/^(?:new|новая|новые|новый|новое|новую|новых)$/iu, 'New'],
  [/^(?:qualified|qualification|qualifying|квалификаци[яюи]|квалифицирован[аоы]?|квал)$/iu, 'Qualified'],
  [/^(?:proposal|proposals|offer|quote|quotation|кп|предложение|коммерческое\s+предложение|отправк[ауи]\s+кп|кп\s+отправлено)$/iu, 'Proposal'],
  [/^(?:negotiation|negotiations|negotiating|переговоры|переговорах|переговор|согласование|согласовании)$/iu, 'Negotiation'],
  [/^(?:won|win|closed\s+won|выиграна|выиграно|выиграли|успех|успешно|победа)$/iu, 'Won'],
  [/^(?:lost|loss|closed\s+lost|проиграна|проиграно|проиграли|отказ|потеряна|потеряли)$/iu, 'Lost'],
];

/** The canonical stage for a word or phrase ("переговоры" -> Negotiation, "КП" -> Proposal), else null. */
export function normalizeStage(words: string): Stage | null {
  const w = words
    .trim()
    .replace(/^[«"'“„]+|[»"'”.!]+$/gu, '')
    .replace(/\s+(?:stage|этап|стадия|стадию)$/iu, '')
    .replace(/^(?:the|stage|этап|стадию|стадия)\s+/iu, '')
    .replace(/\s+/g, ' ')
    .trim();
  for (const [re, stage] of STAGE_WORDS) if (re.test(w)) return stage;
  // the canonical names themselves, in any case
  const canonical = ['New', 'Qualified', 'Proposal', 'Negotiation', 'Won', 'Lost'] as const;
  return canonical.find((s) => s.toLowerCase() === w.toLowerCase()) ?? null;
}
