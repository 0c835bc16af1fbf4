// Reply / OutboundMessage -> Slack Block Kit. Text from core is plain: it is escaped for
// mrkdwn (&, <, >) so a customer's "<!channel>" or "<https://evil|bank>" stays literal.
// Buttons carry the core callback data as both action_id and value.
import type { types } from '@slack/bolt';

type ActionsBlock = types.ActionsBlock;
type SlackButton = types.Button;
type KnownBlock = types.KnownBlock;
type SectionBlock = types.SectionBlock;
import type { Button } from '../../core/ports.js';
import { splitEscaped } from '../../core/text/sanitize.js';

/** Slack limits (Block Kit reference): section text 3000, button text 75, value 2000, action_id 255, 50 blocks, 25 elements per actions block. */
export const SECTION_TEXT_MAX = 3000;
const BUTTON_TEXT_MAX = 75;
const VALUE_MAX = 2000;
const ACTION_ID_MAX = 255;
const MAX_BLOCKS = 50;
const MAX_ELEMENTS = 25;
/** chat.postMessage truncates text over 40,000 characters; stay well under it per message */
const MESSAGE_TEXT_MAX = 35_000;

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Splits text into pieces whose escaped form fits `max` (core/text/sanitize.ts): Slack's limits apply to what it receives. */
export function splitText(text: string, max: number): string[] {
  return splitEscaped(text, max);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

export function actionBlocks(buttons: Button[][] | undefined): ActionsBlock[] {
  const blocks: ActionsBlock[] = [];
  const usedIds = new Set<string>();
  for (const row of buttons ?? []) {
    const elements: SlackButton[] = [];
    for (const b of row) {
      // a Mini App button: Slack members get their signed link from the App Home instead
      if (b.webApp) continue;
      if (b.data.length > VALUE_MAX) throw new Error(`button data is longer than ${VALUE_MAX} characters: ${b.data.slice(0, 40)}…`);
      // action_id must be unique within the message; the value keeps the exact callback data
      let actionId = b.data.slice(0, ACTION_ID_MAX - 4);
      for (let n = 2; usedIds.has(actionId); n++) actionId = `${b.data.slice(0, ACTION_ID_MAX - 4)}#${n}`;
      usedIds.add(actionId);
      elements.push({
        type: 'button',
        text: { type: 'plain_text', text: truncate(b.label, BUTTON_TEXT_MAX) || '·', emoji: true },
        action_id: actionId,
        value: b.data,
      });
    }
    for (let i = 0; i < elements.length; i += MAX_ELEMENTS) {
      blocks.push({ type: 'actions', elements: elements.slice(i, i + MAX_ELEMENTS) });
    }
  }
  return blocks;
}

export interface SlackMessagePayload {
  /** notification / fallback text (mrkdwn, escaped) */
  text: string;
  blocks: KnownBlock[];
}

/**
 * One or more chat.postMessage payloads for a text with buttons: sections of at most 3000
 * characters, buttons on the last message, never more than 50 blocks per message.
 */
export function renderMessages(text: string, buttons?: Button[][]): SlackMessagePayload[] {
  const actions = actionBlocks(buttons);
  const messages: SlackMessagePayload[] = [];
  for (const chunk of splitText(text, MESSAGE_TEXT_MAX)) {
    const sections: SectionBlock[] = splitText(chunk, SECTION_TEXT_MAX)
      .filter((s) => s.trim().length > 0)
      .map((s) => ({ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(s), verbatim: true } }));
    messages.push({ text: escapeMrkdwn(splitText(chunk, 3000)[0]!), blocks: sections });
  }
  const last = messages[messages.length - 1]!;
  const room = MAX_BLOCKS - last.blocks.length;
  if (actions.length > room) throw new Error(`too many button rows for one Slack message (${actions.length})`);
  last.blocks.push(...actions);
  return messages.filter((m, i) => m.blocks.length > 0 || i === messages.length - 1);
}
