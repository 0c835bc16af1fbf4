// A client that offers a large request body and notes how much of it got out before the
// answer, beside a server-side count of the bytes the server actually read from the socket.
import http from 'node:http';

export interface FloodResult {
  status?: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** body bytes handed to the socket before the answer (or the error) came */
  clientSent: number;
  /** local port of the client's connection (to look up the server-side count) */
  localPort?: number;
  error?: string;
  ms: number;
}

/** POSTs `totalBytes` of `fill` (with Content-Length, or chunked), stops sending once answered. */
export function postFlood(
  url: string,
  options: { totalBytes: number; headers?: Record<string, string>; chunked?: boolean; fill?: number; method?: string },
): Promise<FloodResult> {
  const chunk = Buffer.alloc(64 * 1024, options.fill ?? 0x61);
  const started = Date.now();
  return new Promise((resolve) => {
    let sent = 0;
    let finished = false;
    const headers: Record<string, string> = { ...options.headers };
    if (!options.chunked) headers['content-length'] = String(options.totalBytes);
    const req = http.request(url, { method: options.method ?? 'POST', headers });
    const done = (result: Omit<FloodResult, 'clientSent' | 'ms' | 'localPort'>) => {
      if (finished) return;
      finished = true;
      resolve({ ...result, clientSent: sent, ms: Date.now() - started, localPort: req.socket?.localPort ?? localPort });
      req.destroy();
    };
    let localPort: number | undefined;
    req.on('socket', (s) => s.on('connect', () => (localPort = s.localPort)));
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => done({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', () => done({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => done({ headers: {}, body: '', error: e.code ?? e.message }));
    const pump = () => {
      while (!finished && sent < options.totalBytes) {
        const piece = options.totalBytes - sent >= chunk.length ? chunk : chunk.subarray(0, options.totalBytes - sent);
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      if (!finished) req.end();
    };
    pump();
  });
}

/** Bytes the server read from each connection, by the client's port, known once the connection closed. */
export function trackBytesRead(server: http.Server): Map<number, number> {
  const reads = new Map<number, number>();
  server.on('connection', (socket) => {
    const port = socket.remotePort;
    socket.once('close', () => {
      if (port !== undefined) reads.set(port, socket.bytesRead);
    });
  });
  return reads;
}
