// Finds the stage a person means: "negotiation", "Переговоры", "nego" (an unambiguous prefix).
import type { Stage } from '../../prisma/generated/client.js';
import { t, type MessageKey } from '../i18n/index.js';
import { invalid, notFound } from '../errors.js';

function key(text: string): string {
  return text.trim().toLocaleLowerCase('ru').replace(/ё/g, 'е').replace(/\s+/g, ' ');
}

/** The names a stage answers to: its own name and its English and Russian catalog names. */
export function stageNames(stage: Pick<Stage, 'name'>): string[] {
  const names = [stage.name];
  const catalogKey = `stage.${stage.name}` as MessageKey;
  for (const locale of ['en', 'ru'] as const) {
    const localized = t(locale, catalogKey);
    if (localized !== catalogKey) names.push(localized);
  }
  return [...new Set(names.map(key))];
}

/** Exact name first (case-insensitive, en/ru), then a prefix matching exactly one stage. */
export function matchStage<S extends Pick<Stage, 'name'>>(stages: readonly S[], query: string): S {
  const q = key(query);
  if (!q) throw invalid('invalid.stage_empty');
  const exact = stages.filter((s) => stageNames(s).includes(q));
  if (exact.length === 1) return exact[0]!;
  const prefixed = stages.filter((s) => stageNames(s).some((n) => n.startsWith(q)));
  if (prefixed.length === 1) return prefixed[0]!;
  if (prefixed.length > 1) throw invalid('invalid.stage_ambiguous', { value: query, options: prefixed.map((s) => s.name).join(', ') });
  throw notFound('what.stage', { name: query });
}
