// Team members: add with an invite code, link messenger accounts, settings, lookups.
export { addUser, parseRole, ROLES, type AddUserInput, type AddUserResult } from './add-user.js';
export { newInviteCode, redeemInvite, type RedeemInviteInput, type IdentityInput } from './invites.js';
export { setUserLocale, setUserTimezone, setOnDuty } from './user-settings.js';
export { listUsers, actorForUser, userByIdentity, type UserView } from './find-users.js';
export { loadActiveMember, timezoneOfUser } from './load-member.js';
export { INVITE_TTL_DAYS, normalizeInviteCode } from './invite-code.js';
export { listTeam, teamMember, changeRole, assertAdmin, assertHeadOrAdmin, type TeamMember, type MemberLoad } from './team.js';
export { setVacation, endVacation, endDueVacations, reconcileVacations } from './vacation.js';
export { planHandover, deactivateMember, parseHandoverTarget, handoverLines, type HandoverPlan, type HandoverTarget } from './handover.js';
