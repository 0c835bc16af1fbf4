// The composition root's one call: an Llm when OPENAI_API_KEY is set, otherwise undefined
// (every feature then takes its deterministic path) and a single log line per process.
import type { Llm } from '../../core/ports.js';
import type { Db } from '../../core/db.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { OpenAiLlm } from './openai-llm.js';
import { TokenBudget } from './token-budget.js';

let toldOff = false;

export type LlmConfig = Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_MODEL' | 'OPENAI_TIMEOUT_MS' | 'LLM_DAILY_TOKEN_BUDGET'>;

export function createLlm(config: LlmConfig, deps: { db?: Db; logger: Pick<Logger, 'info' | 'warn'> }): Llm | undefined {
  if (!config.OPENAI_API_KEY) {
    if (!toldOff) {
      toldOff = true;
      deps.logger.info({}, 'AI assist is off (OPENAI_API_KEY is not set): rules only for free text, no extraction cards, deterministic summaries and drafts');
    }
    return undefined;
  }
  return new OpenAiLlm({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    model: config.OPENAI_MODEL,
    timeoutMs: config.OPENAI_TIMEOUT_MS,
    budget: deps.db ? new TokenBudget(deps.db, config.LLM_DAILY_TOKEN_BUDGET) : undefined,
    logger: deps.logger,
  });
}

/** Tests only: forget that the "off" line was logged. */
export function resetLlmOffNotice(): void {
  toldOff = false;
}
