// The Actor a team member acts as: their role, language (their own, else their chat's, else
// the workspace's) and time zone (their own when valid, else the workspace's).
import type { Actor } from '../actor.js';
import { resolveLocale } from '../i18n/index.js';
import { effectiveTimeZone } from '../time/zoned.js';
import type { Identity, User, Workspace } from '../../prisma/generated/client.js';

export function memberActor(ws: Workspace, user: User, identity: Pick<Identity, 'languageCode'> | null): Actor {
  return {
    userId: user.id,
    workspaceId: ws.id,
    role: user.role,
    locale: resolveLocale(user.locale, identity?.languageCode, ws.locale),
    timezone: effectiveTimeZone(user.timezone, ws.timezone),
    name: user.name,
  };
}
