// Reply -> terminal text: buttons become numbered choices the person types to press.
import type { Button } from '../../core/ports.js';

export interface RenderedConsole {
  text: string;
  choices: Button[];
}

/** Numbers continue from `start`, so several messages on screen keep distinct choices. */
export function renderForConsole(text: string, buttons: Button[][] | undefined, start = 1, messageId?: string): RenderedConsole {
  const choices = (buttons ?? []).flat();
  const lines = [messageId ? `[${messageId}] ${text}` : text];
  choices.forEach((b, i) => lines.push(`  ${start + i}) ${b.label}`));
  return { text: lines.join('\n'), choices };
}
