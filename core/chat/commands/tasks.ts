// Task commands: /tasks [today|overdue|upcoming], /remind WHEN WHAT, /done N, /snooze N 1h.
import { t, formatDateTime } from '../../i18n/index.js';
import type { Actor } from '../../actor.js';
import { listTasks, completeTask, snoozeTask, effectiveDueAt, type TaskWindow } from '../../tasks/index.js';
import type { Turn } from '../turn.js';
import { reply, type Reply } from '../reply.js';
import { parseOffset } from '../durations.js';
import type { Command } from './command.js';
import { idAndRest, parseId, say, usage } from './command.js';
import { handlePlainText } from '../plain-language.js';

const WINDOWS: Record<string, TaskWindow> = {
  today: 'today',
  сегодня: 'today',
  overdue: 'overdue',
  просрочено: 'overdue',
  просроченные: 'overdue',
  upcoming: 'upcoming',
  скоро: 'upcoming',
  предстоящие: 'upcoming',
  будущие: 'upcoming',
};

const EMPTY = { today: 'chat.tasks.empty_today', overdue: 'chat.tasks.empty_overdue', upcoming: 'chat.tasks.empty_upcoming' } as const;
const TITLE = { today: 'chat.tasks.title_today', overdue: 'chat.tasks.title_overdue', upcoming: 'chat.tasks.title_upcoming' } as const;

export async function taskList(turn: Turn, actor: Actor, window: TaskWindow): Promise<Reply[]> {
  const tasks = await listTasks(turn.ctx, actor, window);
  if (tasks.length === 0) return say(actor, EMPTY[window]);
  const lines = tasks
    .slice(0, 40)
    .map((task) =>
      t(actor.locale, 'chat.tasks.line', { id: task.id, title: task.title, due: formatDateTime(actor.locale, effectiveDueAt(task), actor.timezone) }),
    );
  const buttons = tasks.slice(0, 5).map((task) => [{ label: `✓ #${task.id} ${task.title}`.slice(0, 40), data: `task:done:${task.id}` }]);
  return [reply([t(actor.locale, TITLE[window], { count: tasks.length }), ...lines].join('\n'), buttons)];
}

export async function doneTask(turn: Turn, actor: Actor, id: number): Promise<Reply[]> {
  const result = await completeTask(turn.ctx, actor, id);
  if (result.next) return say(actor, 'chat.task.done_next', { id, due: formatDateTime(actor.locale, effectiveDueAt(result.next), actor.timezone) });
  return say(actor, 'chat.task.done', { id });
}

export async function snooze(turn: Turn, actor: Actor, id: number, offset: string): Promise<Reply[]> {
  if (!parseOffset(offset, turn.now, actor.timezone)) return say(actor, 'chat.task.bad_duration', { value: offset });
  const task = await snoozeTask(turn.ctx, actor, id, (from) => parseOffset(offset, from, actor.timezone)!);
  return say(actor, 'chat.task.snoozed', { id, due: formatDateTime(actor.locale, effectiveDueAt(task), actor.timezone) });
}

export const taskCommands: Command[] = [
  {
    names: ['tasks', 'задачи', 'today', 'сегодня', 'overdue', 'просрочено'],
    run: async ({ turn, actor, args, name }) => {
      const word = (args || name).toLowerCase();
      const window = WINDOWS[word] ?? (args ? undefined : 'today');
      return window ? taskList(turn, actor, window) : usage(actor, '/tasks [today|overdue|upcoming]');
    },
  },
  {
    names: ['done', 'готово', 'сделано'],
    run: async ({ turn, actor, args }) => {
      const id = parseId(args);
      return id === null ? usage(actor, '/done N') : doneTask(turn, actor, id);
    },
  },
  {
    names: ['snooze', 'отложить', 'отложи'],
    run: async ({ turn, actor, args }) => {
      const { id, rest } = idAndRest(args);
      return id === null || !rest ? usage(actor, '/snooze N 1h') : snooze(turn, actor, id, rest);
    },
  },
  {
    names: ['remind', 'напомни', 'напомнить'],
    run: async ({ turn, actor, args, name }) => {
      if (!args) return usage(actor, actor.locale === 'ru' ? '/напомни завтра в 10 позвонить Ивану' : '/remind tomorrow at 10 call Ivan');
      const lead = name === 'remind' ? 'remind me' : 'напомни';
      return (await handlePlainText(turn, actor, `${lead} ${args}`, { onlyTasks: true })) ?? say(actor, 'chat.not_understood');
    },
  },
];
