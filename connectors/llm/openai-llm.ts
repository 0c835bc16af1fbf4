// core/ports.ts `Llm` on the openai SDK, against any OpenAI-compatible server (OpenAI,
// Azure, Ollama, vLLM, LM Studio). Structured outputs only: response_format json_schema
// (the schema comes from core, derived from zod). Every failure mode answers null, so the
// caller takes its deterministic path, and logs one line: over budget, timeout, 429 or
// another HTTP error, a refusal, a cut-off or non-JSON answer.
import OpenAI from 'openai';
import type { Llm } from '../../core/ports.js';
import type { Logger } from '../logger.js';
import type { TokenBudget } from './token-budget.js';

export interface OpenAiLlmOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  timeoutMs: number;
  /** absent: no budget is kept (the `parse --llm` CLI, which has no database) */
  budget?: TokenBudget;
  logger: Pick<Logger, 'info' | 'warn'>;
  clock?: () => Date;
}

type Failure = 'over_budget' | 'timeout' | 'rate_limited' | 'http_error' | 'network' | 'refusal' | 'truncated' | 'malformed_json' | 'empty';

export class OpenAiLlm implements Llm {
  private readonly client: OpenAI;
  private readonly now: () => Date;

  constructor(private readonly options: OpenAiLlmOptions) {
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      // a late or refused answer falls back at once; the ai queue retries nothing
      maxRetries: 0,
    });
    this.now = options.clock ?? (() => new Date());
  }

  private fail(reason: Failure, request: { schemaName: string; workspaceId: number }, extra: Record<string, unknown> = {}): null {
    this.options.logger.warn(
      { reason, task: request.schemaName, workspaceId: request.workspaceId, ...extra },
      `AI assist: no usable answer (${reason}); using the deterministic path`,
    );
    return null;
  }

  async complete<T>(request: { system: string; data: string; schemaName: string; schema: Record<string, unknown>; workspaceId: number }): Promise<T | null> {
    const { budget } = this.options;
    if (budget && (await budget.remaining(request.workspaceId, this.now())) <= 0) return this.fail('over_budget', request);

    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create({
        model: this.options.model,
        temperature: 0,
        messages: [
          { role: 'system', content: request.system },
          { role: 'user', content: request.data },
        ],
        response_format: { type: 'json_schema', json_schema: { name: request.schemaName, schema: request.schema, strict: true } },
      });
    } catch (e) {
      if (e instanceof OpenAI.APIConnectionTimeoutError) return this.fail('timeout', request, { timeoutMs: this.options.timeoutMs });
      if (e instanceof OpenAI.RateLimitError) return this.fail('rate_limited', request);
      if (e instanceof OpenAI.APIError && e.status) return this.fail('http_error', request, { status: e.status });
      return this.fail('network', request, { err: e });
    }

    if (budget && completion.usage) await budget.record(request.workspaceId, this.now(), completion.usage.total_tokens);
    const choice = completion.choices?.[0];
    if (!choice) return this.fail('empty', request);
    if (choice.message.refusal) return this.fail('refusal', request);
    if (choice.finish_reason === 'length') return this.fail('truncated', request);
    const content = choice.message.content;
    if (!content) return this.fail('empty', request);
    try {
      return JSON.parse(content) as T;
    } catch {
      return this.fail('malformed_json', request, { chars: content.length });
    }
  }
}
