// Tasks: create for self or a colleague, complete (recurring ones roll on), snooze, lists.
export { createTask, type CreateTaskInput } from './create-task.js';
export { completeTask, type CompleteTaskResult } from './complete-task.js';
export { snoozeTask, rescheduleTask, cancelTask } from './change-task.js';
export { getTask, listTasks, taskWindowBounds, type TaskWindow, type ListTasksOptions } from './list-tasks.js';
export { effectiveDueAt, canSeeTask } from './task-access.js';
export { nextOccurrence, normalizeRrule } from './recurrence.js';
