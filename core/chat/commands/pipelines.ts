// /pipelines (admins edit pipelines and stages, everyone may look), /pipeline DEAL (move a
// deal to another pipeline) and their buttons:
//   pl:show:P, pl:new:1, pl:addstage:P, pl:stage:S, pl:up|down|won|lost|open:S,
//   pl:remove:S (asks; where its deals go when it holds any), pl:rmyes:S (removes the stage),
//   pl:rmto:S:T (removes it, its deals moved to stage T), pl:rmpipe:P (asks; where its deals go when it holds any),
//   pl:rmpipeyes:P (removes the pipeline), pl:rmpipeto:P:T (removes it, its deals moved to pipeline T),
//   deal:pipe:D (choose a pipeline), deal:pipe:D:P (move, or ask the stage), deal:pstage:D:S.
import type { Stage } from '../../../prisma/generated/client.js';
import type { Actor } from '../../actor.js';
import { t } from '../../i18n/index.js';
import { stageLabel } from '../../digests/render-text.js';
import { getDeal, moveDealToPipeline } from '../../deals/index.js';
import {
  addPipeline,
  addStage,
  assertAdmin,
  findPipeline,
  getPipeline,
  listPipelines,
  moveStage,
  renamePipeline,
  pipelineRemoval,
  removePipeline,
  removeStage,
  renameStage,
  stageRemoval,
  setStageKind,
  type PipelineWithStages,
} from '../../pipelines/manage-pipelines.js';
import { matchStage } from '../../deals/stage-match.js';
import type { Turn } from '../turn.js';
import { buttonRows, reply, type Button, type Reply } from '../reply.js';
import { lookupDeal } from '../lookups.js';
import type { Command } from './command.js';
import { say, usage } from './command.js';

const label = (actor: Actor, name: string) => stageLabel(actor.locale, name);

/** "A > B" (also -> and →): what is removed, and where its deals go. */
const ARROW = /\s*(?:->|→|>)\s*/u;

function kindMark(actor: Actor, s: Pick<Stage, 'kind'>): string {
  return s.kind === 'open' ? '' : t(actor.locale, `pipelines.kind.${s.kind}`);
}

function defaultMark(actor: Actor, p: { isDefault: boolean }): string {
  return p.isDefault ? t(actor.locale, 'pipelines.default_mark') : '';
}

export async function pipelineList(turn: Turn, actor: Actor): Promise<Reply[]> {
  const all = await listPipelines(turn.ctx.db, actor.workspaceId);
  const lines = all.map((p) =>
    t(actor.locale, 'pipelines.list.line', {
      id: p.id,
      name: p.name,
      default: defaultMark(actor, p),
      stages: p.stages.map((s) => label(actor, s.name)).join(' → '),
    }),
  );
  const buttons: Button[] = all.map((p) => ({ label: p.name.slice(0, 40), data: `pl:show:${p.id}` }));
  if (actor.role === 'admin') buttons.push({ label: t(actor.locale, 'pipelines.button.new'), data: 'pl:new:1' });
  const text = [t(actor.locale, 'pipelines.list.title', { count: all.length }), ...lines, '', t(actor.locale, 'pipelines.list.hint')].join('\n');
  return [reply(text, buttonRows(buttons, 2))];
}

function pipelineCardReply(actor: Actor, p: PipelineWithStages): Reply[] {
  const lines = p.stages.map((s, i) => t(actor.locale, 'pipelines.card.stage', { n: i + 1, name: label(actor, s.name), kind: kindMark(actor, s) }));
  const text = [t(actor.locale, 'pipelines.card.title', { id: p.id, name: p.name, default: defaultMark(actor, p) }), ...lines];
  if (actor.role !== 'admin') return [reply(text.join('\n'))];
  text.push('', t(actor.locale, 'pipelines.card.hint', { id: p.id }));
  const buttons: Button[] = p.stages.map((s) => ({ label: label(actor, s.name).slice(0, 40), data: `pl:stage:${s.id}` }));
  buttons.push({ label: t(actor.locale, 'pipelines.button.add_stage'), data: `pl:addstage:${p.id}` });
  // the default pipeline stays (new deals go there)
  if (!p.isDefault) buttons.push({ label: t(actor.locale, 'pipelines.button.remove_pipeline'), data: `pl:rmpipe:${p.id}` });
  return [reply(text.join('\n'), buttonRows(buttons, 2))];
}

export async function pipelineCard(turn: Turn, actor: Actor, pipelineId: number): Promise<Reply[]> {
  return pipelineCardReply(actor, await getPipeline(turn.ctx.db, actor.workspaceId, pipelineId));
}

/** A stage of the actor's workspace with its pipeline; null (said as not found) when there is none. */
async function findStage(turn: Turn, actor: Actor, stageId: number) {
  return turn.ctx.db.stage.findFirst({ where: { id: stageId, pipeline: { workspaceId: actor.workspaceId } }, include: { pipeline: true } });
}

const stageNotFound = (actor: Actor, stageId: number) => say(actor, 'error.not_found', { what: t(actor.locale, 'what.stage', { name: `#${stageId}` }) });

/** The button back to a pipeline's card. */
function backButton(actor: Actor, p: { id: number; name: string }): Button {
  return { label: t(actor.locale, 'pipelines.button.back', { name: p.name }).slice(0, 40), data: `pl:show:${p.id}` };
}

async function stageCard(turn: Turn, actor: Actor, stageId: number): Promise<Reply[]> {
  assertAdmin(actor);
  const stage = await findStage(turn, actor, stageId);
  if (!stage) return stageNotFound(actor, stageId);
  const b = (key: 'up' | 'down' | 'won' | 'lost' | 'open') => ({ label: t(actor.locale, `pipelines.button.${key}`), data: `pl:${key}:${stage.id}` });
  const kinds = (['open', 'won', 'lost'] as const).filter((k) => k !== stage.kind).map(b);
  return [
    reply(t(actor.locale, 'pipelines.stage.card', { name: label(actor, stage.name), pipeline: stage.pipeline.name, kind: kindMark(actor, stage) }), [
      [b('up'), b('down')],
      kinds,
      [{ label: t(actor.locale, 'pipelines.button.remove'), data: `pl:remove:${stage.id}` }],
      [backButton(actor, stage.pipeline)],
    ]),
  ];
}

/** A removal by button asks first (a typed one does not): "yes" removes `name`, "back" shows the pipeline. */
function confirmRemoval(actor: Actor, question: string, name: string, yesData: string, pipeline: { id: number; name: string }): Reply[] {
  return [reply(question, [[{ label: t(actor.locale, 'pipelines.button.remove_yes', { name }).slice(0, 40), data: yesData }], [backButton(actor, pipeline)]])];
}

async function askRemoveStage(turn: Turn, actor: Actor, stageId: number): Promise<Reply[]> {
  const { stage, deals, targets } = await stageRemoval(turn.ctx, actor, stageId);
  // the last of its kind: nothing to ask, the removal says why it cannot be
  if (targets.length === 0) return removeStageReply(turn, actor, stageId);
  const name = label(actor, stage.name);
  if (deals > 0) {
    // where its deals go: one button per stage of its kind, each removing it with them moved there
    const buttons = targets.map((s) => ({
      label: t(actor.locale, 'pipelines.button.move_remove', { name: label(actor, s.name) }).slice(0, 40),
      data: `pl:rmto:${stage.id}:${s.id}`,
    }));
    return [
      reply(t(actor.locale, 'pipelines.stage.remove_ask_deals', { name, pipeline: stage.pipeline.name, count: deals }), [
        ...buttonRows(buttons, 2),
        [backButton(actor, stage.pipeline)],
      ]),
    ];
  }
  return confirmRemoval(
    actor,
    t(actor.locale, 'pipelines.stage.remove_ask', { name, pipeline: stage.pipeline.name }),
    name,
    `pl:rmyes:${stage.id}`,
    stage.pipeline,
  );
}

async function askRemovePipeline(turn: Turn, actor: Actor, pipelineId: number): Promise<Reply[]> {
  const { pipeline: p, deals, targets } = await pipelineRemoval(turn.ctx, actor, pipelineId);
  // the default one, or deals with nowhere to go: nothing to ask, the removal says why it cannot be
  if (p.isDefault || (deals > 0 && targets.length === 0)) return removePipelineReply(turn, actor, pipelineId);
  if (deals > 0) {
    const buttons = targets.map((o) => ({
      label: t(actor.locale, 'pipelines.button.move_remove', { name: o.name }).slice(0, 40),
      data: `pl:rmpipeto:${p.id}:${o.id}`,
    }));
    return [reply(t(actor.locale, 'pipelines.remove_ask_deals', { name: p.name, count: deals }), [...buttonRows(buttons, 2), [backButton(actor, p)]])];
  }
  return confirmRemoval(actor, t(actor.locale, 'pipelines.remove_ask', { name: p.name }), p.name, `pl:rmpipeyes:${p.id}`, p);
}

/** What was removed, with the automation rules that went with it. */
function removedReply(actor: Actor, what: string, rules: number): Reply {
  return reply(rules > 0 ? `${what} ${t(actor.locale, 'pipelines.stage_rules_removed', { count: rules })}` : what);
}

/** Removes a pipeline (its deals moved to pipeline `moveTo`): what was removed (with its rules and deals), then the pipelines left. */
async function removePipelineReply(turn: Turn, actor: Actor, pipelineId: number, moveTo?: number): Promise<Reply[]> {
  const { pipeline, rules, moved, movedTo } = await removePipeline(turn.ctx, actor, pipelineId, moveTo);
  const names = { id: pipeline.id, name: pipeline.name };
  const what =
    moved > 0 && movedTo
      ? t(actor.locale, 'pipelines.removed_moved', { ...names, count: moved, to: movedTo.name })
      : t(actor.locale, 'pipelines.removed', names);
  return [removedReply(actor, what, rules), ...(await pipelineList(turn, actor))];
}

/** Removes a stage (its deals moved to `moveTo`): what was removed (with its rules and deals), then the pipeline as it is now. */
async function removeStageReply(turn: Turn, actor: Actor, stageId: number, moveTo?: number): Promise<Reply[]> {
  const { stage, pipeline, rules, moved, movedTo } = await removeStage(turn.ctx, actor, stageId, moveTo);
  const names = { name: label(actor, stage.name), pipeline: pipeline.name };
  const what =
    moved > 0 && movedTo
      ? t(actor.locale, 'pipelines.stage_removed_moved', { ...names, count: moved, to: label(actor, movedTo.name) })
      : t(actor.locale, 'pipelines.stage_removed', names);
  return [removedReply(actor, what, rules), ...(await pipelineCard(turn, actor, pipeline.id))];
}

/** Button presses of the pl: area; every change checks the admin role in core. */
export async function pipelineAction(turn: Turn, actor: Actor, verb: string, id: number, arg?: string): Promise<Reply[]> {
  const { ctx } = turn;
  switch (verb) {
    case 'show':
      return pipelineCard(turn, actor, id);
    case 'new':
      assertAdmin(actor);
      return say(actor, 'pipelines.usage_new');
    case 'addstage':
      assertAdmin(actor);
      return say(actor, 'pipelines.usage_add_stage', { id });
    case 'stage':
      return stageCard(turn, actor, id);
    case 'remove':
      return askRemoveStage(turn, actor, id);
    case 'rmyes':
      return removeStageReply(turn, actor, id);
    case 'rmto': {
      const target = Number(arg);
      if (!Number.isInteger(target) || target <= 0) break;
      return removeStageReply(turn, actor, id, target);
    }
    case 'rmpipe':
      return askRemovePipeline(turn, actor, id);
    case 'rmpipeyes':
      return removePipelineReply(turn, actor, id);
    case 'rmpipeto': {
      const target = Number(arg);
      if (!Number.isInteger(target) || target <= 0) break;
      return removePipelineReply(turn, actor, id, target);
    }
    case 'up':
    case 'down': {
      const stages = await moveStage(ctx, actor, id, verb);
      return pipelineCard(turn, actor, stages[0]!.pipelineId);
    }
    case 'won':
    case 'lost':
    case 'open': {
      const stage = await setStageKind(ctx, actor, id, verb);
      return pipelineCard(turn, actor, stage.pipelineId);
    }
  }
  return say(actor, 'chat.customer.button_ignored');
}

/** "/pipelines", "/pipelines add Partners: Intro, Pilot", "/pipelines remove Partners", "/pipelines 2", "/pipelines 2 add Pilot", "… rename A = B", "… remove STAGE", "… name NEW", "… up|down|won|lost|open STAGE". */
async function pipelinesCommand(turn: Turn, actor: Actor, args: string): Promise<Reply[]> {
  const { ctx } = turn;
  if (!args) return pipelineList(turn, actor);
  const add = /^(?:add|new|добавить|новая)\s+([\s\S]+)$/iu.exec(args);
  if (add) {
    const [name, stages] = add[1]!.split(':');
    const created = await addPipeline(ctx, actor, {
      name: name!,
      stages: (stages ?? '')
        .split(/[,;→>]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    });
    return [
      ...say(actor, 'pipelines.added', { id: created.id, name: created.name, stages: created.stages.map((s) => label(actor, s.name)).join(' → ') }),
      ...pipelineCardReply(actor, created),
    ];
  }
  const remove = /^(?:remove|удалить)(?:\s+([\s\S]+))?$/iu.exec(args);
  if (remove) {
    if (!remove[1]?.trim()) return say(actor, 'pipelines.usage_remove');
    assertAdmin(actor);
    // "remove Partners > Sales": its deals go to Sales
    const [name, target, ...extra] = remove[1].split(ARROW);
    if (!name?.trim() || target === '' || extra.length) return say(actor, 'pipelines.usage_remove');
    const moveTo = target === undefined ? undefined : (await findPipeline(ctx.db, actor.workspaceId, target)).id;
    return removePipelineReply(turn, actor, (await findPipeline(ctx.db, actor.workspaceId, name)).id, moveTo);
  }
  const m = /^(#?\d{1,9}|\S+)(?:\s+(\S+)(?:\s+([\s\S]+))?)?$/u.exec(args);
  if (!m) return usage(actor, '/pipelines [N [add STAGE | rename OLD = NEW | remove STAGE | name NEW]]');
  const pipeline = await findPipeline(ctx.db, actor.workspaceId, m[1]!);
  const verb = (m[2] ?? '').toLowerCase();
  const rest = (m[3] ?? '').trim();
  if (!verb) return pipelineCardReply(actor, pipeline);
  if (['add', 'добавить'].includes(verb)) {
    if (!rest) return say(actor, 'pipelines.usage_add_stage', { id: pipeline.id });
    const stage = await addStage(ctx, actor, pipeline.id, rest);
    return [...say(actor, 'pipelines.stage_added', { name: stage.name, pipeline: pipeline.name }), ...(await pipelineCard(turn, actor, pipeline.id))];
  }
  if (['name', 'название'].includes(verb)) {
    const renamed = await renamePipeline(ctx, actor, pipeline.id, rest);
    return say(actor, 'pipelines.renamed', { id: renamed.id, name: renamed.name });
  }
  if (['remove', 'удалить'].includes(verb)) {
    if (!rest) return usage(actor, `/pipelines ${pipeline.id} remove STAGE [> OTHER]`);
    assertAdmin(actor);
    // "remove Negotiation > Proposal": its deals go to Proposal
    const [name, target, ...extra] = rest.split(ARROW);
    if (!name || target === '' || extra.length) return usage(actor, `/pipelines ${pipeline.id} remove STAGE [> OTHER]`);
    const moveTo = target === undefined ? undefined : matchStage(pipeline.stages, target).id;
    return removeStageReply(turn, actor, matchStage(pipeline.stages, name).id, moveTo);
  }
  if (['rename', 'переименовать'].includes(verb)) {
    const parts = rest.split(/\s*(?:=|->|→)\s*/);
    if (parts.length !== 2 || !parts[0] || !parts[1]) return usage(actor, `/pipelines ${pipeline.id} rename OLD = NEW`);
    assertAdmin(actor);
    const stage = matchStage(pipeline.stages, parts[0]);
    const renamed = await renameStage(ctx, actor, stage.id, parts[1]);
    return [...say(actor, 'pipelines.stage_renamed', { from: label(actor, stage.name), to: renamed.name }), ...(await pipelineCard(turn, actor, pipeline.id))];
  }
  const kinds: Record<string, 'up' | 'down' | 'won' | 'lost' | 'open'> = {
    up: 'up',
    вверх: 'up',
    down: 'down',
    вниз: 'down',
    won: 'won',
    выигрыш: 'won',
    lost: 'lost',
    проигрыш: 'lost',
    open: 'open',
    открытый: 'open',
  };
  const k = kinds[verb];
  if (k && rest) {
    assertAdmin(actor);
    return pipelineAction(turn, actor, k, matchStage(pipeline.stages, rest).id);
  }
  return usage(actor, '/pipelines [N [add STAGE | rename OLD = NEW | remove STAGE | name NEW | up|down|won|lost|open STAGE]]');
}

/** The pipeline buttons under a deal (empty when the workspace has one pipeline). */
export async function dealPipelineButtons(
  turn: Turn,
  actor: Actor,
  deal: { id: number; pipelineId: number },
): Promise<{ text: string; buttons: Button[][] } | null> {
  const all = await listPipelines(turn.ctx.db, actor.workspaceId);
  if (all.length < 2) return null;
  const current = all.find((p) => p.id === deal.pipelineId);
  const buttons = all.map((p) => ({ label: `${p.id === deal.pipelineId ? '✓ ' : ''}${p.name}`.slice(0, 40), data: `deal:pipe:${deal.id}:${p.id}` }));
  return { text: t(actor.locale, 'pipelines.deal.pipeline_line', { pipeline: current?.name ?? '' }), buttons: buttonRows(buttons, 2) };
}

async function choosePipeline(turn: Turn, actor: Actor, dealId: number): Promise<Reply[]> {
  const deal = await getDeal(turn.ctx, actor, dealId);
  const all = await listPipelines(turn.ctx.db, actor.workspaceId);
  if (all.length < 2) return say(actor, 'pipelines.deal.only_one');
  const current = all.find((p) => p.id === deal.pipelineId);
  const buttons = all.filter((p) => p.id !== deal.pipelineId).map((p) => ({ label: p.name.slice(0, 40), data: `deal:pipe:${deal.id}:${p.id}` }));
  return [reply(t(actor.locale, 'pipelines.deal.choose_pipeline', { id: deal.id, title: deal.title, pipeline: current?.name ?? '' }), buttonRows(buttons, 2))];
}

/** Moves a deal to a pipeline (and stage); asks the stage when none maps. */
export async function dealToPipeline(turn: Turn, actor: Actor, dealId: number, pipelineId: number, stageId?: number): Promise<Reply[]> {
  const result = await moveDealToPipeline(turn.ctx, actor, dealId, pipelineId, stageId);
  const pipeline = await getPipeline(turn.ctx.db, actor.workspaceId, pipelineId);
  if ('ask' in result) {
    const buttons = result.ask.map((s) => ({ label: label(actor, s.name).slice(0, 40), data: `deal:pstage:${dealId}:${s.id}` }));
    return [reply(t(actor.locale, 'pipelines.deal.choose_stage', { id: dealId, pipeline: pipeline.name }), buttonRows(buttons, 2))];
  }
  const stage = pipeline.stages.find((s) => s.id === result.moved.stageId);
  return say(actor, 'pipelines.deal.moved', {
    id: result.moved.id,
    title: result.moved.title,
    pipeline: pipeline.name,
    stage: label(actor, stage?.name ?? ''),
  });
}

/** deal:pipe:D[:P] and deal:pstage:D:S. */
export async function dealPipelineAction(turn: Turn, actor: Actor, verb: string, dealId: number, arg?: string): Promise<Reply[] | null> {
  if (verb === 'pipe') return arg ? dealToPipeline(turn, actor, dealId, Number(arg)) : choosePipeline(turn, actor, dealId);
  if (verb === 'pstage' && arg) {
    const stage = await turn.ctx.db.stage.findFirst({ where: { id: Number(arg), pipeline: { workspaceId: actor.workspaceId } } });
    if (!stage) return say(actor, 'error.not_found', { what: t(actor.locale, 'what.stage', { name: `#${arg}` }) });
    return dealToPipeline(turn, actor, dealId, stage.pipelineId, stage.id);
  }
  return null;
}

export const pipelineCommands: Command[] = [
  { names: ['pipelines', 'воронки'], run: async ({ turn, actor, args }) => pipelinesCommand(turn, actor, args) },
  {
    // "/pipeline Acme" (choose), "/pipeline 5 Partners" (move)
    names: ['pipeline', 'воронка'],
    run: async ({ turn, actor, args }) => {
      if (!args) return usage(actor, '/pipeline DEAL [PIPELINE]');
      const all = await listPipelines(turn.ctx.db, actor.workspaceId);
      const words = args.trim().split(/\s+/);
      // the last words naming a pipeline: the target
      for (let i = 1; i < words.length; i++) {
        const tail = words.slice(i).join(' ').toLocaleLowerCase('ru');
        const target = all.find((p) => p.name.toLocaleLowerCase('ru') === tail);
        if (!target) continue;
        const found = await lookupDeal(turn.ctx, actor, words.slice(0, i).join(' '));
        if (found.kind === 'one') return dealToPipeline(turn, actor, found.deal.id, target.id);
        break;
      }
      const found = await lookupDeal(turn.ctx, actor, args);
      if (found.kind === 'none') return say(actor, 'chat.deal.not_found', { query: args });
      if (found.kind === 'many') {
        const buttons = found.deals.map((d) => ({ label: `#${d.id} ${d.title}`.slice(0, 40), data: `deal:pipe:${d.id}` }));
        return [reply(t(actor.locale, 'chat.deal.ambiguous', { query: args }), buttonRows(buttons, 1))];
      }
      return choosePipeline(turn, actor, found.deal.id);
    },
  },
];
