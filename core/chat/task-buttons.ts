// The buttons under a task: Done, and snoozes of 15 minutes, an hour, until tomorrow 9:00.
import { t } from '../i18n/index.js';
import type { Actor } from '../actor.js';

export function taskButtons(actor: Actor, taskId: number) {
  return [
    [{ label: t(actor.locale, 'chat.button.done'), data: `task:done:${taskId}` }],
    [
      { label: t(actor.locale, 'chat.button.snooze_15m'), data: `task:snooze:${taskId}:15m` },
      { label: t(actor.locale, 'chat.button.snooze_1h'), data: `task:snooze:${taskId}:1h` },
      { label: t(actor.locale, 'chat.button.snooze_tomorrow'), data: `task:snooze:${taskId}:tomorrow` },
    ],
  ];
}
