import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, renderMessages, actionBlocks, SECTION_TEXT_MAX } from '../../../bots/slack/slack-render.js';
import { messageRef, parseMessageRef, slackUserKey, userIdOfKey } from '../../../bots/slack/slack-ids.js';

describe('Slack rendering', () => {
  it('escapes &, < and > so user text cannot ping or link', () => {
    expect(escapeMrkdwn('<!channel> a & b <https://x|bank>')).toBe('&lt;!channel&gt; a &amp; b &lt;https://x|bank&gt;');
  });

  it('renders text as mrkdwn sections and buttons with callback data as action_id and value', () => {
    const [msg, ...more] = renderMessages('Ivan: <hi>', [
      [
        { label: 'Take', data: 'lead:take:12' },
        { label: 'Junk', data: 'lead:junk:12' },
      ],
    ]);
    expect(more).toHaveLength(0);
    expect(msg!.text).toBe('Ivan: &lt;hi&gt;');
    expect(msg!.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn', text: 'Ivan: &lt;hi&gt;' } });
    expect(msg!.blocks[1]).toMatchObject({
      type: 'actions',
      elements: [
        { type: 'button', action_id: 'lead:take:12', value: 'lead:take:12', text: { text: 'Take' } },
        { type: 'button', action_id: 'lead:junk:12', value: 'lead:junk:12' },
      ],
    });
  });

  it('leaves Mini App buttons out (Slack members get a signed link from the App Home)', () => {
    expect(actionBlocks([[{ label: 'Board', data: 'miniapp:open:0', webApp: 'https://crm.example.com/miniapp/' }]])).toEqual([]);
    const [row] = actionBlocks([
      [
        { label: 'Board', data: 'miniapp:open:0', webApp: 'https://x/' },
        { label: 'Take', data: 'lead:take:1' },
      ],
    ]);
    expect(row!.elements.map((e) => (e as { value: string }).value)).toEqual(['lead:take:1']);
  });

  it('keeps action ids unique when two buttons share data', () => {
    const [row] = actionBlocks([
      [
        { label: 'A', data: 'x:y:1' },
        { label: 'B', data: 'x:y:1' },
      ],
    ]);
    const ids = row!.elements.map((e) => (e as { action_id: string }).action_id);
    expect(new Set(ids).size).toBe(2);
    expect(row!.elements.map((e) => (e as { value: string }).value)).toEqual(['x:y:1', 'x:y:1']);
  });

  it('splits long text into sections under the Block Kit limit without losing characters', () => {
    const text = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    const [msg] = renderMessages(text);
    const sections = msg!.blocks.filter((b) => b.type === 'section') as Array<{ text: { text: string } }>;
    expect(sections.length).toBeGreaterThan(1);
    for (const s of sections) expect(s.text.text.length).toBeLessThanOrEqual(SECTION_TEXT_MAX);
    expect(sections.map((s) => s.text.text).join('\n')).toBe(text);
  });
});

describe('Slack ids', () => {
  it('writes users as TEAM:USER and reads the user back', () => {
    expect(slackUserKey('T1', 'U2')).toBe('T1:U2');
    expect(userIdOfKey('T1:U2')).toBe('U2');
    expect(userIdOfKey('12345')).toBeNull();
  });

  it('writes message refs with the thread parent second', () => {
    expect(messageRef('C1', '1.000001')).toBe('C1:1.000001');
    expect(messageRef('C1', '2.000002', '1.000001')).toBe('C1:1.000001:2.000002');
    expect(parseMessageRef('C1:1.000001:2.000002')).toEqual({ channel: 'C1', threadTs: '1.000001', ts: '2.000002' });
    expect(parseMessageRef('C1:1.000001')).toEqual({ channel: 'C1', threadTs: '1.000001', ts: '1.000001' });
    expect(parseMessageRef('4711')).toBeNull();
    expect(parseMessageRef('C1:abc')).toBeNull();
  });
});
