// `leadline parse` as a real process: one JSON object on stdout, no database needed.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const env = { ...process.env, DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none', LOG_LEVEL: 'silent' };

async function parse(...args: string[]) {
  const { stdout } = await run('./bin/leadline.js', ['parse', ...args], { env });
  return JSON.parse(stdout) as unknown;
}

describe('leadline parse', () => {
  it('prints the intents the issue specifies', async () => {
    const common = ['--now', '2026-03-10T12:00:00', '--tz', 'Europe/Moscow', '--json'];
    const [task, deal, move, fromLead, invalidTime] = await Promise.all([
      parse('напомни завтра в 10 позвонить Ивану', ...common, '--locale', 'ru'),
      parse('сделка Ромашка 50 000 руб', ...common, '--locale', 'ru'),
      parse('move Acme to negotiation', ...common, '--locale', 'en'),
      parse('deal 1 1700000 RUB', ...common, '--locale', 'en'),
      parse('remind me at 25:00 to call', ...common, '--locale', 'en'),
    ]);
    expect(task).toEqual({ intent: 'create_task', title: 'позвонить Ивану', dueAt: '2026-03-11T10:00:00+03:00', recurrence: null, confidence: 0.8 });
    // issue 20.1: the first number is the lead, the amount is 1,700,000 RUB
    expect(fromLead).toEqual({ intent: 'create_deal', title: '', amount: '1700000', currency: 'RUB', leadId: 1 });
    // issue 20.11: an impossible time is said to be impossible, and the title keeps no fragment of it
    expect(invalidTime).toMatchObject({
      intent: 'clarify',
      reason: 'invalid_time',
      question: 'There is no 25:00 on a clock. When should I remind you?',
      partial: { title: 'call' },
    });
    expect(deal).toEqual({ intent: 'create_deal', title: 'Ромашка', amount: '50000', currency: 'RUB' });
    expect(move).toEqual({ intent: 'move_deal', deal: 'Acme', stage: 'Negotiation' });
  }, 120_000);

  it('rejects a bad time zone with one line and a non-zero exit', async () => {
    const failed = await run('./bin/leadline.js', ['parse', 'x', '--tz', 'Mars/Base'], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/^error: Unknown time zone "Mars\/Base"/);
  }, 120_000);
});
