// Robustness sweep over real-world mail (../shared/corpora/email, read in place): every file
// through parse -> understand with no crash and no unhandled rejection; no bounce or
// auto-reply from the sisimai set becomes a lead; the ordinary mails there are not bounces;
// memory stays bounded over the whole sweep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, createReadStream } from 'node:fs';
import path from 'node:path';
import { parseEmail } from '../../../connectors/email/parse-email.js';
import { understandEmail, type InboundEmail } from '../../../core/email/understand-email.js';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
// beside the checkout (CI, /work/main) or beside the worktrees' folder (/work/wt/<name>)
const candidates = [path.resolve(root, '..', 'shared', 'corpora', 'email'), path.resolve(root, '..', '..', 'shared', 'corpora', 'email')];
const corpus = candidates.find((c) => existsSync(c)) ?? candidates[0]!;
const present = existsSync(corpus);
if (!present) console.warn(`email corpus sweep skipped: ${corpus} does not exist (it holds third-party mail, see issue 5)`);

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (e.name !== 'LICENSE' && e.name !== 'README.md') out.push(p);
  }
  return out.sort();
}

describe.skipIf(!present)('email corpus sweep', () => {
  const results = new Map<string, InboundEmail>();
  const failures: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let heapGrowthMb = 0;
  let elapsedMs = 0;
  let all: string[] = [];

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    all = files(corpus);
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const started = performance.now();
    for (const file of all) {
      try {
        // streamed from disk the way the watcher streams from IMAP
        const parsed = await parseEmail(createReadStream(file), { maxBodyChars: 100_000, maxAttachmentBytes: 1024 * 1024 });
        const r = understandEmail(parsed, { ownAddresses: ['sales@leadline.test'], knownThread: () => false, phoneRegion: 'RU' });
        // keep only what the assertions need, so the sweep itself does not hold every message
        results.set(path.relative(corpus, file), { ...r, originalText: '', text: r.text.slice(0, 200) });
      } catch (e) {
        failures.push(`${path.relative(corpus, file)}: ${(e as Error).stack ?? String(e)}`);
      }
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }
    elapsedMs = performance.now() - started;
    heapGrowthMb = (heapPeak - heapBefore) / 1024 / 1024;
    // give a stray rejection from a parser stream the chance to surface
    await new Promise((r) => setTimeout(r, 50));
  }, 120_000);

  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('reads every file without a crash or an unhandled rejection', () => {
    expect(all.length).toBeGreaterThan(600);
    expect(failures).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(results.size).toBe(all.length);
  });

  it('classifies every sisimai bounce, feedback report and auto-reply as not-a-lead', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const [file, r] of results) {
      if (!file.startsWith('sisimai-bounces/') || path.basename(file).startsWith('is-not-bounce')) continue;
      checked++;
      if (!['bounce', 'dsn_delay', 'dsn_success', 'challenge', 'auto_reply', 'list'].includes(r.kind)) wrong.push(`${file}: ${r.kind} (${r.reason})`);
    }
    expect(checked).toBeGreaterThan(600);
    expect(wrong).toEqual([]);
  });

  it('finds the failed recipient in most bounces, including the Russian mail.ru and Yandex ones', () => {
    const bounces = [...results].filter(([f, r]) => f.startsWith('sisimai-bounces/') && r.kind === 'bounce');
    const withRecipients = bounces.filter(([, r]) => r.bouncedRecipients.length > 0);
    expect(withRecipients.length / bounces.length).toBeGreaterThan(0.9);
    for (const [file, r] of bounces.filter(([f]) => /lhost-(mailru|yandex)-/.test(f))) {
      expect(r.bouncedRecipients.length, file).toBeGreaterThan(0);
      expect(
        r.bouncedRecipients.every((a) => /^[^@\s]+@[^@\s]+\.[a-z]+$/.test(a)),
        file,
      ).toBe(true);
    }
  });

  it('does not call the ordinary sisimai mails bounces', () => {
    const ordinary = [...results].filter(([f]) => path.basename(f).startsWith('is-not-bounce'));
    expect(ordinary.length).toBeGreaterThanOrEqual(2);
    for (const [file, r] of ordinary) expect(r.kind, file).not.toBe('bounce');
  });

  it('gets sensible answers from the mail gem shapes (bounces are bounces, charsets decoded)', () => {
    const gem = (name: string) => [...results].find(([f]) => f.endsWith(`/${name}`))?.[1];
    for (const name of ['multi_address_bounce1.eml', 'report_530.eml', 'multipart_report_multiple_status.eml']) {
      expect(gem(name)?.kind, name).toBe('bounce');
    }
    // sendmail's "Warning: could not send message for past 8 hours" (Action: delayed, 4.2.2): a delay, not a failure
    expect(gem('report_422.eml')?.kind).toBe('dsn_delay');
    expect(gem('report_422.eml')?.undeliverableRecipients).toEqual([]);
    expect(gem('japanese_iso_2022.eml')?.subject).toBe('まみむめも');
  });

  it('never marks an address dead from a delay, a success report, a challenge or a 4.x.x status', () => {
    const wrong: string[] = [];
    let delays = 0;
    for (const [file, r] of results) {
      if (r.kind === 'dsn_delay') delays++;
      if (r.kind !== 'bounce' && r.undeliverableRecipients.length) wrong.push(`${file}: ${r.kind} marks ${r.undeliverableRecipients.join(', ')}`);
      // a structured report marks only recipients whose Action is failed and Status 5.x.x
      if (r.kind === 'bounce' && r.code === 'dsn-failed' && /Status: 4\.[\d.]+$/.test(r.reason.split(';')[0]!) && r.undeliverableRecipients.length) {
        wrong.push(`${file}: 4.x.x failure marks ${r.undeliverableRecipients.join(', ')}`);
      }
    }
    const kinds = new Map<string, number>();
    for (const r of results.values()) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
    console.info(`email corpus kinds: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    expect(delays).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });

  it('stays fast and within a bounded heap', () => {
    console.info(`email corpus: ${all.length} files in ${Math.round(elapsedMs)} ms, heap growth ${heapGrowthMb.toFixed(1)} MB`);
    expect(elapsedMs).toBeLessThan(60_000);
    expect(heapGrowthMb).toBeLessThan(200);
  });
});
