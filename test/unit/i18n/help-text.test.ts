// /help in both languages: every command once, grouped in sections; on Slack every command
// written as a /crm command.
import { describe, expect, it } from 'vitest';
import { helpText } from '../../../core/chat/commands/start.js';

const commandLines = (text: string) => text.split('\n').filter((l) => l.startsWith('/'));

describe('help text', () => {
  for (const locale of ['en', 'ru'] as const) {
    it(`lists each command once, in sections (${locale})`, () => {
      const help = helpText(locale, 'telegram');
      const lines = commandLines(help);
      expect(lines.length).toBeGreaterThan(25);
      expect(new Set(lines).size).toBe(lines.length);
      // each line's first command appears at the head of no other line
      const heads = lines.map((l) => l.split(/[\s,]/)[0]);
      expect(heads.filter((h, i) => heads.indexOf(h) !== i && !['/assign', '/назначить'].includes(h!))).toEqual([]);
      // sections: a title line, then blocks separated by blank lines, each led by its name
      const blocks = help.split('\n\n');
      expect(blocks.length).toBe(7);
      for (const block of blocks.slice(1, -1)) expect(block.split('\n')[0]).not.toMatch(/^\//);
      expect(help).toContain(locale === 'en' ? '/pipelines' : '/воронки');
    });

    it(`writes every command as a /crm command on Slack (${locale})`, () => {
      const help = helpText(locale, 'slack');
      expect(commandLines(help).filter((l) => !l.startsWith('/crm '))).toEqual([]);
      expect(help).toContain(locale === 'en' ? '/crm leads' : '/crm лиды');
    });
  }
});
