// The message catalogs, one file per area under en/ and ru/. Every ru file is checked
// against its en twin at compile time (same keys), and test/unit/i18n tests both ways.
// To add an area: create en/AREA.ts and ru/AREA.ts, then spread both below.
import type { Catalog, Locale } from './types.js';
import { common as enCommon } from './en/common.js';
import { common as ruCommon } from './ru/common.js';
import { slack as enSlack } from './en/slack.js';
import { slack as ruSlack } from './ru/slack.js';
import { chat as enChat } from './en/chat.js';
import { chat as ruChat } from './ru/chat.js';
import { parse as enParse } from './en/parse.js';
import { parse as ruParse } from './ru/parse.js';
import { contacts as enContacts } from './en/contacts.js';
import { contacts as ruContacts } from './ru/contacts.js';
import { leads as enLeads } from './en/leads.js';
import { leads as ruLeads } from './ru/leads.js';
import { users as enUsers } from './en/users.js';
import { users as ruUsers } from './ru/users.js';
import { tasks as enTasks } from './en/tasks.js';
import { tasks as ruTasks } from './ru/tasks.js';
import { deals as enDeals } from './en/deals.js';
import { deals as ruDeals } from './ru/deals.js';
import { reminders as enReminders } from './en/reminders.js';
import { reminders as ruReminders } from './ru/reminders.js';
import { sla as enSla } from './en/sla.js';
import { sla as ruSla } from './ru/sla.js';
import { outbound as enOutbound } from './en/outbound.js';
import { outbound as ruOutbound } from './ru/outbound.js';
import { digests as enDigests } from './en/digests.js';
import { digests as ruDigests } from './ru/digests.js';
import { ai as enAi } from './en/ai.js';
import { ai as ruAi } from './ru/ai.js';
import { api as enApi } from './en/api.js';
import { api as ruApi } from './ru/api.js';
import { files as enFiles } from './en/files.js';
import { files as ruFiles } from './ru/files.js';
import { history as enHistory } from './en/history.js';
import { history as ruHistory } from './ru/history.js';
import { settings as enSettings } from './en/settings.js';
import { settings as ruSettings } from './ru/settings.js';
import { business as enBusiness } from './en/business.js';
import { business as ruBusiness } from './ru/business.js';
import { team as enTeam } from './en/team.js';
import { team as ruTeam } from './ru/team.js';
import { pipelines as enPipelines } from './en/pipelines.js';
import { pipelines as ruPipelines } from './ru/pipelines.js';
import { mailings as enMailings } from './en/mailings.js';
import { mailings as ruMailings } from './ru/mailings.js';
import { value as enValue } from './en/value.js';
import { value as ruValue } from './ru/value.js';
import { miniapp as enMiniapp } from './en/miniapp.js';
import { miniapp as ruMiniapp } from './ru/miniapp.js';

export const en = {
  ...enCommon,
  ...enSlack,
  ...enChat,
  ...enParse,
  ...enContacts,
  ...enLeads,
  ...enUsers,
  ...enTasks,
  ...enDeals,
  ...enReminders,
  ...enSla,
  ...enOutbound,
  ...enDigests,
  ...enAi,
  ...enApi,
  ...enFiles,
  ...enHistory,
  ...enSettings,
  ...enBusiness,
  ...enTeam,
  ...enPipelines,
  ...enMailings,
  ...enValue,
  ...enMiniapp,
} as const;

export type MessageKey = keyof typeof en;

export const ru: Record<MessageKey, Catalog[string]> = {
  ...ruCommon,
  ...ruSlack,
  ...ruChat,
  ...ruParse,
  ...ruContacts,
  ...ruLeads,
  ...ruUsers,
  ...ruTasks,
  ...ruDeals,
  ...ruReminders,
  ...ruSla,
  ...ruOutbound,
  ...ruDigests,
  ...ruAi,
  ...ruApi,
  ...ruFiles,
  ...ruHistory,
  ...ruSettings,
  ...ruBusiness,
  ...ruTeam,
  ...ruPipelines,
  ...ruMailings,
  ...ruValue,
  ...ruMiniapp,
};

export const catalogs: Record<Locale, Record<MessageKey, Catalog[string]>> = { en, ru };
