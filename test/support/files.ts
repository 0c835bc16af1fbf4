// Small files made in the test (no binary fixtures): a valid PNG of any size (zlib-compressed
// noise, so it does not shrink), a valid one-page PDF padded to a size, and a local
// S3-compatible server (s3rver) with a bucket of its own, stopped by the caller.
import { deflateSync, crc32 } from 'node:zlib';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { S3FileStore } from '../../connectors/files/s3-file-store.js';
import { DiskFileStore } from '../../connectors/files/disk-file-store.js';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** A valid RGB PNG of `side` x `side` pixels of noise (about side² x 3 bytes). */
export function makePng(side = 16): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < side; y++) rows.push(Buffer.concat([Buffer.from([0]), randomBytes(side * 3)]));
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A valid one-page PDF saying `text`, padded with a comment to at least `minBytes`. */
export function makePdf(text = 'Quote', minBytes = 0): Buffer {
  const stream = `BT /F1 18 Tf 40 100 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n`;
  const pad = Math.max(0, minBytes - out.length - 7);
  return Buffer.from(out + (pad ? `%${'x'.repeat(pad)}\n` : '') + '%%EOF\n', 'latin1');
}

/** A directory store in a fresh temporary folder. */
export async function tempDiskStore(): Promise<{ store: DiskFileStore; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'leadline-files-'));
  return { store: new DiskFileStore(dir), close: () => rm(dir, { recursive: true, force: true }) };
}

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}

/** s3rver on a free port with its own directory and bucket; the store talks to it over HTTP like to any S3-compatible server. */
export async function localS3(): Promise<{ store: S3FileStore; endpoint: string; bucket: string; close(): Promise<void> }> {
  const S3rver = createRequire(import.meta.url)('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;
  const dir = await mkdtemp(join(tmpdir(), 'leadline-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const bucket = `leadline-${randomUUID().slice(0, 8)}`;
  const store = new S3FileStore({
    bucket,
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    prefix: 'test/',
  });
  await store.client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    store,
    endpoint,
    bucket,
    async close() {
      store.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
