// The web form a post names (core/forms/form-store.ts is the port): one statement straight
// through the pg pool (direct.ts) instead of an ORM query per post. Forms are few rows per
// workspace, so the statement is named (its plan made once per connection).
import type { FormStore, FormTarget } from '../../../core/forms/form-store.js';
import { statement } from '../statement.js';

const activeByKey = statement<{ formKey: string }, FormTarget>(
  `
SELECT f.id, f."workspaceId", f.name, w."phoneRegion", f."redirectUrl", f."allowedOrigins"
FROM "WebForm" f
JOIN "Workspace" w ON w.id = f."workspaceId"
WHERE f."formKey" = :formKey AND f."disabledAt" IS NULL`,
  { direct: true },
);

export const sqlFormStore: FormStore = {
  async activeByKey(db, formKey) {
    const [row] = await activeByKey.query(db, { formKey });
    return row ?? null;
  },
};
