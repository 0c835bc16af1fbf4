// `leadline file get` as a real process, on a disk store of its own (FILE_STORAGE_DIR).
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileKey } from '../../../core/files/file-store.js';
import { makePdf, tempDiskStore } from '../../support/files.js';

const run = promisify(execFile);

async function leadline(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('./bin/leadline.js', args, {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      timeout: 90_000,
      encoding: 'buffer' as never,
    });
    return { code: 0, stdout: String(stdout), stderr: String(stderr) };
  } catch (e) {
    const err = e as { code?: number; stdout?: Buffer; stderr?: Buffer };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: String(err.stdout ?? ''), stderr: String(err.stderr ?? '') };
  }
}

describe('leadline file get', { timeout: 120_000 }, () => {
  const opened = tempDiskStore();
  afterAll(async () => (await opened).close());

  it('writes a stored file to --out; a key that is not one, or a file that is gone, is one line and a non-zero exit', async () => {
    const { store } = await opened;
    const env = { FILE_STORAGE_DIR: store.root };
    const key = fileKey({ workspaceId: 3, channel: 'email', externalUserId: 'olga@example.com', messageId: 'm1', index: 0, name: 'Offer.pdf', kind: 'file' });
    const pdf = makePdf('Offer', 2048);
    await store.put(key, pdf);
    const out = join(store.root, 'copy.pdf');
    const [got, bad, gone] = await Promise.all([
      leadline(['file', 'get', key, '--out', out], env),
      leadline(['file', 'get', '../../etc/passwd'], env),
      leadline(['file', 'get', key.replace('-0-', '-1-')], env),
    ]);
    expect(got).toMatchObject({ code: 0, stdout: `Saved ${pdf.length} bytes to ${out}\n` });
    expect((await readFile(out)).equals(pdf)).toBe(true);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not a file key/);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/No file is stored under/);
  });
});
