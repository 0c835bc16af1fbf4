// What the demo is made of, per language: the team, customers' names and companies, what
// customers ask for on each channel, what the team sells, and the words the team writes
// (replies, task titles, reasons). Data, not interface text: the seeded rows hold it as a
// team of that language would have typed it. content-en.ts and content-ru.ts fill it.
import type { Locale } from '../i18n/index.js';

export const DEMO_SOURCES = ['telegram', 'slack', 'email', 'web'] as const;
export type DemoSource = (typeof DEMO_SOURCES)[number];

export interface DemoMember {
  name: string;
  role: 'head' | 'manager';
  timezone: string;
}

export interface DemoCompany {
  name: string;
  domain: string;
  /** deals in this currency instead of the main one */
  currency?: string;
}

export interface DemoProduct {
  /** the deal title after "Company: "; {n} is the seat count of the request */
  title: string;
  /** amount in the main currency: per seat times the seats, or a fixed range */
  perSeat?: readonly [number, number];
  fixed?: readonly [number, number];
}

export interface DemoRequest {
  /** the email subject or the web form's title; chat messages are titled by their first line */
  subject?: string;
  /** what the customer writes; {n} is a seat count */
  text: string;
  product: string;
}

export interface DemoContent {
  locale: Locale;
  workspaceName: string;
  timezone: string;
  phoneRegion: string;
  /** the main currency, and what one unit of it is in the others */
  currency: string;
  rates: Record<string, { perMain: number; roundTo: number }>;
  /** the head of sales first, then the managers */
  team: readonly DemoMember[];
  /** mean leads per working weekday by channel */
  leadsPerDay: Record<DemoSource, number>;
  firstNames: ReadonlyArray<{ name: string; latin: string; female: boolean }>;
  lastNames: ReadonlyArray<{ male: string; female: string; latin: string; latinFemale: string }>;
  companies: readonly DemoCompany[];
  /** a free-mail domain for customers without a company */
  freeMailDomain: string;
  /** a phone number as a customer would write it, from a running number */
  phone: (n: number) => string;
  products: Record<string, DemoProduct>;
  requests: Record<DemoSource, readonly DemoRequest[]>;
  junk: ReadonlyArray<{ subject?: string; text: string; reason: string }>;
  /** the manager's first answer; {first} is the customer's first name */
  replies: readonly string[];
  lostReasons: readonly string[];
  tasks: {
    /** {name}: the customer */
    callBack: string;
    /** by stage of the deal; {deal}: its title */
    stage: { New: string; Qualified: string; Proposal: string; Negotiation: string };
    /** waiting on the customer; {deal} */
    followUp: string;
    /** the head's recurring review */
    review: string;
    /** the head asks a manager to go through a deal together; {deal} */
    checkIn: string;
  };
}

/** `{name}` placeholders filled from params. */
export function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole));
}
