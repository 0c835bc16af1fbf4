// When a new lead must get its first answer: workspace.firstResponseMinutes, counted only
// inside the workspace's business hours when it has them, holidays skipped
// (core/time/business-hours.ts), otherwise on the wall clock.
import { addBusinessMinutes, readBusinessHours } from '../time/business-hours.js';

export interface SlaWorkspace {
  timezone: string;
  firstResponseMinutes: number;
  businessHours?: unknown;
  /** Workspace.holidays: days off skipped like closed days */
  holidays?: unknown;
}

export function firstResponseDueAt(workspace: SlaWorkspace, from: Date): Date {
  const { hours } = readBusinessHours(workspace.businessHours, workspace.holidays);
  return addBusinessMinutes(hours, workspace.timezone, from, workspace.firstResponseMinutes);
}
