export {
  firstResponseDueAt,
  parseBusinessHours,
  addBusinessMinutes,
  businessHoursSchema,
  type BusinessHours,
  type SlaWorkspace,
} from './first-response-due.js';
export { pickRoundRobinAssignee } from './round-robin.js';
export { captureLead, titleFromText, type CaptureLeadInput } from './capture-lead.js';
export { assignLead } from './assign-lead.js';
export { takeLead } from './take-lead.js';
export { markLeadJunk } from './mark-lead-junk.js';
export { markFirstResponse } from './mark-first-response.js';
export { getLead } from './get-lead.js';
export { listLeads, type LeadFilter } from './list-leads.js';
export { pageLeads, type PageLeadsOptions } from './page-leads.js';
export { openLeadForContact } from './open-lead-for-contact.js';
export { canSeeLead, loadLeadFor, visibleLeadsWhere, OPEN_LEAD_STATUSES } from './lead-access.js';
