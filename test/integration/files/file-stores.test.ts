// One suite for both FileStore implementations: the directory on disk and the S3-compatible
// bucket (a local s3rver started here, reached over HTTP with @aws-sdk/client-s3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileStore } from '../../../core/files/file-store.js';
import { fileKey, identityFilePrefix, isFileKey } from '../../../core/files/file-store.js';
import { localS3, makePdf, makePng, tempDiskStore } from '../../support/files.js';
import { signFileLink, verifyFileLink } from '../../../connectors/files/file-links.js';
import { DiskFileStore } from '../../../connectors/files/disk-file-store.js';

const stores: Array<{ name: string; open: () => Promise<{ store: FileStore; close(): Promise<void> }> }> = [
  { name: 'disk', open: tempDiskStore },
  { name: 's3 (s3rver)', open: localS3 },
];

describe.each(stores)('FileStore: $name', ({ open }) => {
  let store: FileStore;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await open());
  }, 30_000);
  afterAll(() => close?.());

  const key = (user: string, n: number, name = 'a.pdf') =>
    fileKey({ workspaceId: 7, channel: 'telegram', externalUserId: user, messageId: `chat:${n}`, index: 0, name, kind: 'document' });

  it('keeps the bytes exactly, overwrites on a second put, and says what it has', async () => {
    const png = makePng(40);
    const k = key('u1', 1, 'photo.png');
    expect(isFileKey(k)).toBe(true);
    expect(await store.has(k)).toBe(false);
    expect(await store.get(k)).toBeNull();
    await store.put(k, png, { mime: 'image/png' });
    expect(await store.has(k)).toBe(true);
    expect(Buffer.from((await store.get(k))!).equals(png)).toBe(true);
    const pdf = makePdf('second', 3000);
    await store.put(k, pdf);
    expect(Buffer.from((await store.get(k))!).equals(pdf)).toBe(true);
  });

  it("deletes keys (missing ones are no error) and a person's whole prefix, leaving others' files", async () => {
    const mine = [key('ivan', 1), key('ivan', 2), key('ivan', 3)];
    const theirs = key('olga', 1);
    for (const k of [...mine, theirs]) await store.put(k, makePdf(k));
    await store.delete([mine[0]!, key('ivan', 99)]);
    expect(await store.has(mine[0]!)).toBe(false);
    expect(await store.deletePrefix(identityFilePrefix(7, 'telegram', 'ivan'))).toBe(2);
    for (const k of mine) expect(await store.has(k)).toBe(false);
    expect(await store.has(theirs)).toBe(true);
    expect(await store.deletePrefix(identityFilePrefix(7, 'telegram', 'nobody'))).toBe(0);
  });
});

describe('DiskFileStore', () => {
  it('refuses keys that would leave its directory', async () => {
    const { store, close } = await tempDiskStore();
    try {
      for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a//b', '']) await expect(store.put(bad, Buffer.from('x'))).rejects.toThrow(/bad file key/);
      await expect(store.get('../../etc/passwd')).rejects.toThrow(/bad file key/);
      expect(store).toBeInstanceOf(DiskFileStore);
    } finally {
      await close();
    }
  });
});

describe('signed file links', () => {
  const settings = { baseUrl: 'https://crm.example.com/base/', secret: 'a-secret-of-enough-length', ttlMs: 3600_000 };
  const k = fileKey({ workspaceId: 1, channel: 'email', externalUserId: 'a@b.c', messageId: 'm', index: 0, name: 'Offer 2025.pdf', kind: 'file' });

  it('signs the key until the expiry; a changed key, expiry or signature, or a passed time, is refused', () => {
    const now = Date.UTC(2030, 0, 1);
    const url = new URL(signFileLink(settings, k, 'Offer 2025.pdf', now));
    expect(url.pathname).toBe(`/base/files/${k}`);
    const exp = Number(url.searchParams.get('exp'));
    const sig = url.searchParams.get('sig')!;
    expect(url.searchParams.get('name')).toBe('Offer 2025.pdf');
    expect(verifyFileLink(settings.secret, k, exp, sig, now)).toBe('ok');
    expect(verifyFileLink(settings.secret, k, exp, sig, now + 3600_001)).toBe('expired');
    expect(verifyFileLink(settings.secret, k.replace(/-0-/, '-1-'), exp, sig, now)).toBe('bad');
    expect(verifyFileLink(settings.secret, k, exp + 1, sig, now)).toBe('bad');
    expect(verifyFileLink('another-secret-of-length', k, exp, sig, now)).toBe('bad');
    expect(verifyFileLink(settings.secret, k, exp, sig.slice(1), now)).toBe('bad');
  });
});
