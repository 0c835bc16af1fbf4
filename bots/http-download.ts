// Downloads a platform's file over HTTP with a byte cap: the declared Content-Length is
// checked first, then the bytes as they arrive (a server that sends more than it said is cut
// off). 404/410 mean the platform no longer has it; other failures throw (the job is retried).
import type { FetchedFile } from '../core/files/file-store.js';

export async function downloadCapped(url: string, maxBytes: number, init: RequestInit = {}, timeoutMs = 60_000): Promise<FetchedFile> {
  const res = await fetch(url, { ...init, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
  if (res.status === 404 || res.status === 410 || res.status === 403) {
    await res.body?.cancel();
    return { status: 'gone', reason: `HTTP ${res.status}` };
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`download failed: HTTP ${res.status} ${res.statusText}`);
  }
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    return { status: 'too_large', size: declared };
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        return { status: 'too_large' };
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  const mime = res.headers.get('content-type')?.split(';')[0]?.trim();
  return { status: 'fetched', bytes, ...(mime && mime !== 'application/octet-stream' ? { mime } : {}) };
}
