// The per-workspace daily token budget: LLM_DAILY_TOKEN_BUDGET, or the workspace's own
// llmDailyTokenBudget. Usage is one LlmUsage row per workspace and UTC day, incremented
// atomically (INSERT ... ON CONFLICT DO UPDATE) so parallel workers never lose a count.
import type { Db } from '../../core/db.js';

export function usageDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export class TokenBudget {
  constructor(
    private readonly db: Db,
    private readonly defaultDailyTokens: number,
  ) {}

  async limitFor(workspaceId: number): Promise<number> {
    const ws = await this.db.workspace.findUnique({ where: { id: workspaceId }, select: { llmDailyTokenBudget: true } });
    return ws?.llmDailyTokenBudget ?? this.defaultDailyTokens;
  }

  async used(workspaceId: number, at: Date): Promise<number> {
    const row = await this.db.llmUsage.findUnique({ where: { workspaceId_day: { workspaceId, day: usageDay(at) } } });
    return row?.tokens ?? 0;
  }

  /** What is left today (never negative). */
  async remaining(workspaceId: number, at: Date): Promise<number> {
    const [limit, used] = await Promise.all([this.limitFor(workspaceId), this.used(workspaceId, at)]);
    return Math.max(0, limit - used);
  }

  async record(workspaceId: number, at: Date, tokens: number): Promise<void> {
    if (!(tokens > 0)) return;
    await this.db.llmUsage.upsert({
      where: { workspaceId_day: { workspaceId, day: usageDay(at) } },
      create: { workspaceId, day: usageDay(at), tokens },
      update: { tokens: { increment: tokens } },
    });
  }
}
