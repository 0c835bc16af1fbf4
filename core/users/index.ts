// Team members: add with an invite code, link messenger accounts, settings, lookups.
export { addUser, parseRole, ROLES, type AddUserInput, type AddUserResult } from './add-user.js';
export { newInviteCode, redeemInvite, type RedeemInviteInput, type IdentityInput } from './invites.js';
export { setUserLocale, setUserTimezone, setOnDuty } from './user-settings.js';
export { listUsers, actorForUser, userByIdentity, type UserView } from './find-users.js';
export { loadActiveMember, timezoneOfUser } from './load-member.js';
export { INVITE_TTL_DAYS, normalizeInviteCode } from './invite-code.js';
