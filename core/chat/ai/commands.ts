// /summary N (lead or deal) and /draft N, with Russian aliases (/итог, /сводка, /черновик).
// "/summary N" means lead N when the speaker can see one, else deal N; "/summary deal N"
// and "/summary lead N" say which.
import type { Command } from '../commands/command.js';
import { parseId, say, usage } from '../commands/command.js';
import type { Turn } from '../turn.js';
import type { Actor } from '../../actor.js';
import { reply, type Reply } from '../reply.js';
import { t } from '../../i18n/index.js';
import { isDomainError } from '../../errors.js';
import { getLead } from '../../leads/index.js';
import { getDeal } from '../../deals/index.js';
import { enqueueAi, turnKey, draftFor } from './chat-actions.js';
import { leadTimeline, dealTimeline, summarizeTimeline } from '../../ai/summarize.js';

const DEAL_WORDS = ['deal', 'сделка', 'сделку', 'сделки'];
const LEAD_WORDS = ['lead', 'лид', 'лида'];

async function target(turn: Turn, actor: Actor, args: string): Promise<{ leadId?: number; dealId?: number } | null> {
  const [first, second] = args.trim().split(/\s+/);
  const word = (first ?? '').toLowerCase();
  if (DEAL_WORDS.includes(word)) {
    const id = parseId(second);
    return id === null ? null : (await getDeal(turn.ctx, actor, id), { dealId: id });
  }
  if (LEAD_WORDS.includes(word)) {
    const id = parseId(second);
    return id === null ? null : (await getLead(turn.ctx, actor, id), { leadId: id });
  }
  const id = parseId(args);
  if (id === null) return null;
  try {
    await getLead(turn.ctx, actor, id);
    return { leadId: id };
  } catch (e) {
    if (!isDomainError(e)) throw e;
    await getDeal(turn.ctx, actor, id);
    return { dealId: id };
  }
}

export async function summaryFor(turn: Turn, actor: Actor, args: string): Promise<Reply[]> {
  const what = await target(turn, actor, args);
  if (!what) return usage(actor, t(actor.locale, 'ai.summary.usage'));
  if (
    await enqueueAi(turn, { kind: 'summary', workspaceId: actor.workspaceId, userId: actor.userId, ...what, reason: 'command', key: turnKey(turn, 'summary') })
  ) {
    return say(actor, 'ai.summary.queued');
  }
  const tl = what.dealId ? await dealTimeline(turn.ctx, actor, what.dealId) : await leadTimeline(turn.ctx, actor, what.leadId!);
  const head = what.dealId
    ? t(actor.locale, 'ai.summary.deal', { id: what.dealId, title: tl.heading.title ?? '' })
    : t(actor.locale, 'ai.summary.lead', { id: what.leadId!, name: tl.heading.customer ?? '' });
  const { text } = await summarizeTimeline(turn.ctx, actor, tl);
  return [reply(`${head}\n${text}`)];
}

export const aiCommands: Command[] = [
  { names: ['summary', 'итог', 'сводка'], run: ({ turn, actor, args }) => summaryFor(turn, actor, args) },
  {
    names: ['draft', 'черновик'],
    run: async ({ turn, actor, args }) => {
      const id = parseId(args);
      return id === null ? usage(actor, t(actor.locale, 'ai.draft.usage')) : draftFor(turn, actor, id);
    },
  },
];
