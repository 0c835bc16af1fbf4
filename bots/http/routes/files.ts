// GET /files/<key>?exp=&name=&sig=: a stored file through a signed link (connectors/files/
// file-links.ts), what a manager is given when a customer's file is larger than their channel
// takes. 403 for a wrong signature, 410 once the link expired, 404 when the file is gone
// (erased with its contact). The file is sent as an attachment (never rendered inline).
import { z } from 'zod';
import type { FileStore } from '../../../core/files/file-store.js';
import { isFileKey, safeFileName } from '../../../core/files/file-store.js';
import { verifyFileLink } from '../../../connectors/files/file-links.js';
import type { HttpRoute } from '../route.js';
import { sendProblem } from '../problem.js';

export function fileLinkRoute(deps: { store: Pick<FileStore, 'get'>; secret: string }): HttpRoute {
  return {
    describe: 'GET /files/* (signed links)',
    register(app) {
      app.get(
        '/files/*',
        {
          schema: {
            hide: true,
            params: z.object({ '*': z.string() }),
            querystring: z.object({ exp: z.coerce.number().int().positive(), sig: z.string().min(1).max(200), name: z.string().max(300).optional() }),
          },
        },
        async (req, reply) => {
          const key = req.params['*'];
          if (!isFileKey(key)) return sendProblem(reply, 404, { detail: 'no such file' });
          const verdict = verifyFileLink(deps.secret, key, req.query.exp, req.query.sig);
          if (verdict === 'bad') return sendProblem(reply, 403, { detail: 'the link is not valid' });
          if (verdict === 'expired') return sendProblem(reply, 410, { detail: 'the link has expired' });
          const bytes = await deps.store.get(key);
          if (!bytes) return sendProblem(reply, 404, { detail: 'the file is no longer stored' });
          const name = safeFileName(req.query.name, 'file');
          return reply
            .header('content-type', 'application/octet-stream')
            .header('content-disposition', `attachment; filename="${name}"`)
            .header('x-content-type-options', 'nosniff')
            .header('cache-control', 'private, no-store')
            .send(Buffer.from(bytes));
        },
      );
    },
  };
}
