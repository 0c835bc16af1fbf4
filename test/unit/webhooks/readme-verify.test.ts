// The signature checks README.md gives receivers (Node and Python), run as printed against a
// header Leadline makes: a genuine delivery passes; a changed body, another secret and a stale
// timestamp (a replay) fail.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signWebhook } from '../../../core/webhooks/signature.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Outgoing webhooks'));
const block = (lang: string) => {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section);
  if (!m) throw new Error(`README's webhook section has no ${lang} block`);
  return m[1]!;
};

const secret = 'whsec_test_secret';
const body = JSON.stringify({
  id: 'evt_1',
  type: 'lead.created',
  createdAt: '2026-11-30T10:00:00.000Z',
  workspace: 'default',
  data: { lead: { id: 1, title: 'Привет' } },
});
const now = Math.floor(Date.now() / 1000);
const cases: Array<[string, string, string, string, boolean]> = [
  ['genuine', secret, signWebhook(secret, now, body), body, true],
  ['body changed', secret, signWebhook(secret, now, body), body.replace('Привет', 'Hello'), false],
  ['another secret', 'whsec_other', signWebhook(secret, now, body), body, false],
  ['replayed after 10 minutes', secret, signWebhook(secret, now - 600, body), body, false],
];

const dir = mkdtempSync(path.join(tmpdir(), 'readme-verify-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

describe("README's webhook signature checks", () => {
  it('Node: the snippet accepts a genuine delivery and refuses a changed, foreign or stale one', () => {
    const file = path.join(dir, 'verify.mjs');
    writeFileSync(
      file,
      `${block('js')}\nconst cases = JSON.parse(process.argv[2]);\nprocess.stdout.write(JSON.stringify(cases.map(([, s, h, b]) => verify(s, h, Buffer.from(b, 'utf8')))));\n`,
    );
    const out = execFileSync(process.execPath, [file, JSON.stringify(cases)], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(cases.map((c) => c[4]));
  });

  const python = spawnSync('python3', ['--version']).status === 0;
  it.runIf(python)('Python: the snippet accepts a genuine delivery and refuses a changed, foreign or stale one', () => {
    const file = path.join(dir, 'verify.py');
    writeFileSync(
      file,
      `${block('python')}\nimport json, sys\ncases = json.loads(sys.argv[1])\nprint(json.dumps([verify(s, h, b.encode("utf-8")) for _, s, h, b, _ in cases]))\n`,
    );
    const out = execFileSync('python3', [file, JSON.stringify(cases)], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(cases.map((c) => c[4]));
  });
});
