// Eight weeks of a sales team's life, planned as rows before anything is written: leads
// arriving on every channel with a weekday rhythm, first answers after realistic delays
// (within business hours, next morning for the night's leads), conversions, deals moving
// through the stages to won or lost (with reasons and amounts), and the tasks around them,
// some of them forgotten and overdue. Pure: the same input (clock, language, team, seed)
// gives the same plan, so tests can assert what a seeded demo holds. Everything happens
// before `now`; the plan refers to its own rows by index (a DemoStore assigns the ids).
//
// Whatever the day of seeding, yesterday and the last 7 days have something in every part of
// the head's digests: leads on each channel yesterday, a yesterday lead answered and
// converted, a deal won and one lost yesterday, and an overdue task per manager now.
import type { Locale } from '../i18n/index.js';
import { firstResponseDueAt } from '../leads/first-response-due.js';
import { titleFromText } from '../leads/capture-lead.js';
import { dealTitleKey } from '../deals/create-deal.js';
import { companyKey } from '../contacts/find-or-create-company.js';
import { normalizeEmail } from '../contacts/normalize-email.js';
import { normalizePhone } from '../contacts/normalize-phone.js';
import { nextOccurrence, normalizeRrule } from '../tasks/recurrence.js';
import { BusinessCalendar, readBusinessHours, type BusinessHours } from '../time/business-hours.js';
import { addLocalDays, localParts, zonedTimeToInstant, type LocalDate } from '../time/zoned.js';
import { DEMO_SOURCES, fill, type DemoContent, type DemoSource } from './content.js';
import { enContent } from './content-en.js';
import { ruContent } from './content-ru.js';
import { Prng } from './prng.js';

export const DEMO_CONTENT: Record<Locale, DemoContent> = { en: enContent, ru: ruContent };
/** the seed of the demo's random choices: the same seed, the same demo */
export const DEMO_SEED = 20;
/** days of history before today */
export const DEMO_HISTORY_DAYS = 56;
/** the demo workspace's business hours (Monday to Friday, 9 to 7) */
export const DEMO_BUSINESS_HOURS: BusinessHours = { days: [1, 2, 3, 4, 5], start: '09:00', end: '19:00' };
export const DEMO_REVIEW_RRULE = 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** business minutes in a working day of DEMO_BUSINESS_HOURS */
const WORKDAY = 600;
/** a forgotten task still open was due within this long before now (older ones were caught up with) */
const FORGOTTEN_FOR = 10 * DAY;

/** Leads per weekday relative to an average working day (ISO weekday 1 = Monday). */
const WEEKDAY_RHYTHM: Record<number, number> = { 1: 1.15, 2: 1.1, 3: 1.05, 4: 1.0, 5: 0.85, 6: 0.3, 7: 0.2 };

/** How each manager works: answer speed (a factor on delays), tasks forgotten, conversion. */
const PROFILES = [
  { speed: 0.7, forget: 0.08, convert: 1.1 },
  { speed: 1.0, forget: 0.14, convert: 1.0 },
  { speed: 1.5, forget: 0.24, convert: 0.85 },
];

/** From each open stage to the next (the last leads to won): how likely, and the median wait in business minutes. */
const STEPS = [
  { advance: 0.88, median: 1.5 * WORKDAY },
  { advance: 0.82, median: 2 * WORKDAY },
  { advance: 0.78, median: 2.5 * WORKDAY },
  { advance: 0.72, median: 3 * WORKDAY },
];

const SEATS = [5, 8, 10, 12, 15, 20, 25, 30, 40, 50] as const;

export interface DemoPlanInput {
  now: Date;
  locale: Locale;
  workspace: { timezone: string; firstResponseMinutes: number; businessHours: unknown; holidays?: unknown };
  head: { id: number; timezone: string };
  /** in the order of the content's team */
  managers: ReadonlyArray<{ id: number; timezone: string }>;
  pipeline: { id: number; stages: ReadonlyArray<{ id: number; name: string; kind: string; position: number }> };
  seed?: number;
}

/** An index into the plan's list of that kind. */
export type Ref = number;
type Json = Record<string, string | number | boolean | null>;

export interface PlanCompany {
  name: string;
  nameKey: string;
  domain: string;
  createdAt: Date;
}
export interface PlanContact {
  name: string;
  nameKey: string;
  company: Ref | null;
  email: string | null;
  phone: string | null;
  createdAt: Date;
}
export interface PlanConversation {
  contact: Ref;
  channel: DemoSource;
  subject: string | null;
  createdAt: Date;
  lastMessageAt: Date;
}
export interface PlanMessage {
  conversation: Ref;
  direction: 'inbound' | 'outbound';
  channel: DemoSource;
  text: string;
  authorUserId: number | null;
  deliveryStatus: string | null;
  createdAt: Date;
}
export interface PlanLead {
  contact: Ref;
  conversation: Ref;
  source: DemoSource;
  status: 'new' | 'in_progress' | 'converted' | 'junk';
  title: string;
  firstMessage: string;
  assigneeId: number | null;
  firstResponseDueAt: Date;
  firstResponseAt: Date | null;
  slaBreachedAt: Date | null;
  junkReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}
export interface PlanDeal {
  lead: Ref | null;
  contact: Ref;
  company: Ref | null;
  ownerId: number;
  title: string;
  titleKey: string;
  /** decimal string */
  amount: string;
  currency: string;
  pipelineId: number;
  stageId: number;
  status: 'open' | 'won' | 'lost';
  lostReason: string | null;
  closedAt: Date | null;
  expectedCloseAt: Date | null;
  lastActivityAt: Date;
  createdAt: Date;
  updatedAt: Date;
}
export interface PlanTask {
  title: string;
  dueAt: Date;
  assigneeId: number;
  creatorId: number | null;
  status: 'open' | 'done';
  completedAt: Date | null;
  rrule: string | null;
  /** the first task of its recurring series (itself for the first) */
  series: Ref | null;
  lead: Ref | null;
  deal: Ref | null;
  contact: Ref | null;
  createdAt: Date;
  updatedAt: Date;
}
export interface PlanActivity {
  type: string;
  actorUserId: number | null;
  contact: Ref | null;
  lead: Ref | null;
  deal: Ref | null;
  task: Ref | null;
  data: Json;
  createdAt: Date;
}

export interface DemoPlan {
  companies: PlanCompany[];
  contacts: PlanContact[];
  conversations: PlanConversation[];
  messages: PlanMessage[];
  leads: PlanLead[];
  deals: PlanDeal[];
  tasks: PlanTask[];
  activities: PlanActivity[];
  /** the round-robin cursor: each manager's last assigned lead */
  lastAssignedAt: Array<{ userId: number; at: Date }>;
}

/** One step of a deal's way through the pipeline: entering an open stage, or closing. */
interface PathStep {
  /** index into the open stages, or 'won' / 'lost' */
  stage: number | 'won' | 'lost';
  at: Date;
  reason?: string;
}

/** A lead as simulated, before it becomes rows. */
interface SimLead {
  source: DemoSource;
  createdAt: Date;
  manager: number | null;
  junk: { subject?: string; text: string; reason: string } | null;
  request: { subject?: string; text: string; product: string };
  seats: number;
  respondAt: Date | null;
  convertAt: Date | null;
  path: PathStep[];
}

export function planDemo(input: DemoPlanInput): DemoPlan {
  return new Planner(input).plan();
}

class Planner {
  private readonly rng: Prng;
  private readonly c: DemoContent;
  private readonly tz: string;
  private readonly now: Date;
  private readonly calendar: BusinessCalendar;
  private readonly today: LocalDate;
  private readonly openStages: DemoPlanInput['pipeline']['stages'];
  private readonly wonStage: { id: number; name: string };
  /** yesterday in the workspace's time zone: the daily digest's period */
  private readonly yesterday: { start: Date; end: Date };
  private readonly lostStage: { id: number; name: string };
  private readonly out: DemoPlan = {
    companies: [],
    contacts: [],
    conversations: [],
    messages: [],
    leads: [],
    deals: [],
    tasks: [],
    activities: [],
    lastAssignedAt: [],
  };
  private readonly companyRefs = new Map<string, Ref>();
  private readonly emails = new Set<string>();
  private readonly phones = new Set<string>();
  private phoneCounter = 0;

  constructor(private readonly input: DemoPlanInput) {
    this.rng = new Prng(input.seed ?? DEMO_SEED);
    this.c = DEMO_CONTENT[input.locale];
    this.tz = input.workspace.timezone;
    this.now = input.now;
    this.today = localParts(input.now, this.tz);
    this.yesterday = { start: this.at(-1), end: this.at(0) };
    this.calendar = new BusinessCalendar(readBusinessHours(input.workspace.businessHours, input.workspace.holidays).hours, this.tz, {
      from: this.at(-DEMO_HISTORY_DAYS - 1),
      to: new Date(input.now.getTime() + 60 * DAY),
    });
    const stages = [...input.pipeline.stages].sort((a, b) => a.position - b.position);
    this.openStages = stages.filter((s) => s.kind === 'open');
    const won = stages.find((s) => s.kind === 'won');
    const lost = stages.find((s) => s.kind === 'lost');
    if (!this.openStages.length || !won || !lost) throw new Error('the demo needs a pipeline with open, won and lost stages');
    this.wonStage = won;
    this.lostStage = lost;
    if (input.managers.length === 0) throw new Error('the demo needs managers');
  }

  plan(): DemoPlan {
    const leads = this.arrivals().map((a, i) => this.simulate(a.source, a.createdAt, i));
    this.assureYesterday(leads);
    this.assureFunnel(leads);
    this.leaveLatestUnanswered(leads);
    for (const lead of leads) this.emitLead(lead);
    this.emitHeadTasks();
    this.assureTasksPerManager();
    for (const [i, m] of this.input.managers.entries()) {
      const last = leads.filter((l) => l.manager === i).at(-1);
      if (last) this.out.lastAssignedAt.push({ userId: m.id, at: last.createdAt });
    }
    return this.out;
  }

  // ---------------------------------------------------------------- time

  /** local midnight `days` from today, plus minutes */
  private at(days: number, minutes = 0): Date {
    const date = addLocalDays(this.today, days);
    return zonedTimeToInstant({ ...date, hour: Math.floor(minutes / 60), minute: minutes % 60 }, this.tz);
  }

  private work(from: Date, minutes: number): Date {
    return this.calendar.addMinutes(from, Math.max(1, minutes));
  }

  private roundUp(d: Date, step = 30 * MINUTE): Date {
    return new Date(Math.ceil(d.getTime() / step) * step);
  }

  private before(a: Date | null, b: Date): a is Date {
    return a !== null && a.getTime() < b.getTime();
  }

  private inYesterday(d: Date | null): boolean {
    return d !== null && d >= this.yesterday.start && d < this.yesterday.end;
  }

  // ---------------------------------------------------------------- simulation

  /** When leads come in: per day and channel, a weekday rhythm and slow growth. */
  private arrivals(): Array<{ source: DemoSource; createdAt: Date }> {
    const arrivals: Array<{ source: DemoSource; createdAt: Date }> = [];
    for (let d = -DEMO_HISTORY_DAYS; d <= 0; d++) {
      const weekday = addLocalDays(this.today, d).weekday;
      const weekend = weekday >= 6;
      const growth = 0.85 + (0.3 * (d + DEMO_HISTORY_DAYS)) / DEMO_HISTORY_DAYS;
      for (const source of DEMO_SOURCES) {
        let n = this.rng.poisson(this.c.leadsPerDay[source] * WEEKDAY_RHYTHM[weekday]! * growth);
        // yesterday has a lead on every channel, so the daily digest's sources all show
        if (d === -1) n = Math.max(n, 1);
        for (let i = 0; i < n; i++) {
          const createdAt = this.at(d, this.arrivalMinute(weekend));
          // the seeding instant itself is not history: nothing in the last few minutes
          if (createdAt.getTime() < this.now.getTime() - 5 * MINUTE) arrivals.push({ source, createdAt });
          else if (d === -1) arrivals.push({ source, createdAt: this.at(-1, 9 * 60 + i) });
        }
      }
    }
    return arrivals.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || DEMO_SOURCES.indexOf(a.source) - DEMO_SOURCES.indexOf(b.source));
  }

  /** Minute of the local day a customer writes: mostly working hours, peaking mid-afternoon. */
  private arrivalMinute(weekend: boolean): number {
    if (weekend) return this.rng.int(10 * 60, 22 * 60);
    const r = this.rng.next();
    if (r < 0.1) return this.rng.int(7 * 60, 9 * 60 - 1);
    if (r < 0.82) return Math.round((this.rng.between(9 * 60, 19 * 60) + this.rng.between(9 * 60, 19 * 60)) / 2);
    return this.rng.int(19 * 60, 23 * 60 + 30);
  }

  private simulate(source: DemoSource, createdAt: Date, index: number): SimLead {
    const manager = index % this.input.managers.length;
    const profile = PROFILES[manager % PROFILES.length]!;
    const junk = this.rng.chance(0.06) ? this.rng.pick(this.c.junk) : null;
    const request = this.rng.pick(this.c.requests[source]);
    const lead: SimLead = {
      source,
      createdAt,
      manager,
      junk,
      request,
      seats: this.rng.pick(SEATS),
      respondAt: null,
      convertAt: null,
      path: [],
    };
    const respondAt = this.responseTime(createdAt, profile.speed);
    // a few leads are never answered (they show as breached and unanswered)
    const forgotten = !junk && this.rng.chance(0.02);
    if (!forgotten && this.before(respondAt, this.now)) lead.respondAt = respondAt;
    if (!junk && lead.respondAt && this.rng.chance(0.4 * profile.convert)) {
      const convertAt = this.work(lead.respondAt, Math.min(3000, Math.max(20, this.rng.logNormal(300, 1))));
      if (this.before(convertAt, this.now)) this.convert(lead, convertAt);
    }
    return lead;
  }

  /** The first answer: minutes in business hours, the next morning for the night's leads, now and then late. */
  private responseTime(createdAt: Date, speed: number): Date {
    const opening = this.calendar.nextOpening(createdAt);
    if (!opening) {
      let minutes = this.rng.logNormal(8 * speed, 0.8);
      if (this.rng.chance(0.08)) minutes += this.rng.between(60, 240);
      return this.work(createdAt, minutes);
    }
    if (this.rng.chance(0.15)) return new Date(createdAt.getTime() + this.rng.between(15, 120) * MINUTE);
    return this.work(opening, this.rng.logNormal(15 * speed, 0.7));
  }

  /** The lead becomes a deal at `at`; the deal then moves stage by stage until it closes or `now` comes. */
  private convert(lead: SimLead, at: Date): void {
    lead.convertAt = at;
    lead.path = [{ stage: 0, at }];
    const profile = PROFILES[(lead.manager ?? 0) % PROFILES.length]!;
    let cursor = at;
    for (let s = 0; s < this.openStages.length; s++) {
      const step = STEPS[Math.min(s, STEPS.length - 1)]!;
      let wait = this.rng.logNormal(step.median, 0.7);
      if (this.rng.chance(0.12)) wait *= 3;
      const next = this.work(cursor, wait);
      if (!this.before(next, this.now)) return;
      const last = s === this.openStages.length - 1;
      if (!this.rng.chance(Math.min(0.95, step.advance * profile.convert))) {
        lead.path.push({ stage: 'lost', at: next, reason: this.rng.pick(this.c.lostReasons) });
        return;
      }
      lead.path.push({ stage: last ? 'won' : s + 1, at: next });
      if (last) return;
      cursor = next;
    }
  }

  /** Yesterday gets an answered lead, a conversion, a win and a loss, whatever the chance gave. */
  private assureYesterday(leads: SimLead[]): void {
    const ofYesterday = leads.filter((l) => this.inYesterday(l.createdAt));
    const fresh = ofYesterday.filter((l) => !l.junk);
    // an answered lead of yesterday (on a weekend night the answer may be a manager on the phone)
    if (!fresh.some((l) => l.respondAt)) {
      const lead = fresh[0] ?? ofYesterday[0]!;
      lead.junk = null;
      // arrivals keep clear of the last five minutes, so this is after the lead and before now
      lead.respondAt = new Date(Math.max(lead.createdAt.getTime() + MINUTE, Math.min(lead.createdAt.getTime() + 25 * MINUTE, this.now.getTime() - MINUTE)));
    }
    // a lead of yesterday that became a deal (the digest counts it whenever it converted)
    if (!ofYesterday.some((l) => l.convertAt)) {
      for (const lead of fresh) {
        if (!lead.respondAt) continue;
        const at = new Date(lead.respondAt.getTime() + this.rng.between(40, 120) * MINUTE);
        if (!this.before(at, this.now)) continue;
        lead.convertAt = at;
        lead.path = [{ stage: 0, at }];
        break;
      }
    }
    // a deal won and one lost yesterday
    const closedYesterday = (kind: 'won' | 'lost') => leads.some((l) => l.path.some((p) => p.stage === kind && this.inYesterday(p.at)));
    const openBefore = (limit: Date) =>
      leads
        .filter((l) => {
          const last = l.path.at(-1);
          return last && typeof last.stage === 'number' && last.at < limit;
        })
        // the furthest along first, then the oldest
        .sort((a, b) => (b.path.at(-1)!.stage as number) - (a.path.at(-1)!.stage as number) || a.createdAt.getTime() - b.createdAt.getTime());
    if (!closedYesterday('won')) {
      const at = this.at(-1, 15 * 60 + this.rng.int(0, 90));
      const deal = openBefore(new Date(at.getTime() - HOUR))[0];
      if (deal) deal.path.push({ stage: 'won', at });
    }
    if (!closedYesterday('lost')) {
      const at = this.at(-1, 12 * 60 + this.rng.int(0, 90));
      const deal = openBefore(new Date(at.getTime() - HOUR))[0];
      if (deal) deal.path.push({ stage: 'lost', at, reason: this.rng.pick(this.c.lostReasons) });
    }
  }

  /** Every open stage holds a deal now (the funnel chart has no gap), whatever the chance gave. */
  private assureFunnel(leads: SimLead[]): void {
    const stageNow = (l: SimLead) => l.path.at(-1)?.stage;
    for (let k = 0; k < this.openStages.length; k++) {
      if (leads.some((l) => stageNow(l) === k)) continue;
      if (k === 0) {
        // a lead answered a while ago becomes a deal
        const lead = [...leads].reverse().find((l) => !l.junk && !l.convertAt && this.before(l.respondAt, new Date(this.now.getTime() - 2 * HOUR)));
        if (!lead) continue;
        const at = new Date(this.now.getTime() - this.rng.between(30, 110) * MINUTE);
        lead.convertAt = at;
        lead.path = [{ stage: 0, at }];
        continue;
      }
      // a deal from an earlier stage that holds more than one moves on to this one
      const count = (stage: number) => leads.filter((l) => stageNow(l) === stage).length;
      const donor = leads
        .filter((l) => {
          const stage = stageNow(l);
          return typeof stage === 'number' && stage < k && count(stage) > 1;
        })
        .sort((a, b) => (stageNow(b) as number) - (stageNow(a) as number) || b.createdAt.getTime() - a.createdAt.getTime())[0];
      if (!donor) continue;
      const last = donor.path.at(-1)!;
      const steps = k - (last.stage as number);
      const gap = (this.now.getTime() - 30 * MINUTE - last.at.getTime()) / (steps + 1);
      for (let s = 1; s <= steps; s++) donor.path.push({ stage: (last.stage as number) + s, at: new Date(last.at.getTime() + s * gap) });
    }
  }

  /**
   * The newest leads wait for their first answer (the "today" digest lists them); the very
   * newest has no owner yet (heads see it as unassigned).
   */
  private leaveLatestUnanswered(leads: SimLead[]): void {
    const answeredYesterday = () => leads.filter((l) => this.inYesterday(l.createdAt) && !l.junk && l.respondAt).length;
    let left = 2;
    for (let i = leads.length - 1; i >= 0 && left > 0; i--) {
      const lead = leads[i]!;
      if (lead.createdAt.getTime() <= this.now.getTime() - DAY) break;
      if (lead.junk || lead.convertAt) continue;
      // yesterday keeps an answered lead (its first-response figure)
      if (this.inYesterday(lead.createdAt) && lead.respondAt && answeredYesterday() <= 1) continue;
      lead.respondAt = null;
      if (left === 2) lead.manager = null;
      left--;
    }
  }

  // ---------------------------------------------------------------- rows

  private activity(
    type: string,
    createdAt: Date,
    actorUserId: number | null,
    refs: Partial<Pick<PlanActivity, 'contact' | 'lead' | 'deal' | 'task'>>,
    data: Json,
  ) {
    this.out.activities.push({ type, actorUserId, contact: null, lead: null, deal: null, task: null, ...refs, data, createdAt });
  }

  private company(createdAt: Date): Ref | null {
    if (!this.rng.chance(0.8)) return null;
    const spec = this.rng.pick(this.c.companies);
    const known = this.companyRefs.get(spec.name);
    if (known !== undefined) return known;
    const ref = this.out.companies.push({ name: spec.name, nameKey: companyKey(spec.name), domain: spec.domain, createdAt }) - 1;
    this.companyRefs.set(spec.name, ref);
    return ref;
  }

  private contact(source: DemoSource, createdAt: Date): { ref: Ref; first: string } {
    const first = this.rng.pick(this.c.firstNames);
    const last = this.rng.pick(this.c.lastNames);
    const name = `${first.name} ${first.female ? last.female : last.male}`;
    const company = this.company(createdAt);
    const domain = company === null ? this.c.freeMailDomain : this.out.companies[company]!.domain;
    const wantsEmail = source === 'email' || source === 'web' || (source === 'slack' ? this.rng.chance(0.7) : this.rng.chance(0.25));
    const wantsPhone = source === 'telegram' || source === 'web' ? this.rng.chance(0.6) : this.rng.chance(0.3);
    let email: string | null = null;
    for (let k = 1; wantsEmail && !email; k++) {
      const candidate = normalizeEmail(`${first.latin}.${first.female ? last.latinFemale : last.latin}${k > 1 ? k : ''}@${domain}`);
      if (candidate && !this.emails.has(candidate)) email = candidate;
    }
    if (email) this.emails.add(email);
    let phone: string | null = null;
    if (wantsPhone) {
      const candidate = normalizePhone(this.c.phone(this.phoneCounter++), this.c.phoneRegion);
      if (candidate && !this.phones.has(candidate)) phone = candidate;
    }
    if (phone) this.phones.add(phone);
    const ref = this.out.contacts.push({ name, nameKey: name.toLowerCase(), company, email, phone, createdAt }) - 1;
    return { ref, first: first.name };
  }

  private emitLead(sim: SimLead): void {
    const managerId = sim.manager === null ? null : this.input.managers[sim.manager]!.id;
    const { ref: contact, first } = this.contact(sim.source, sim.createdAt);
    const said = sim.junk ?? sim.request;
    const text = fill(said.text, { n: sim.seats });
    const subject = said.subject && (sim.source === 'email' || sim.source === 'web') ? fill(said.subject, { n: sim.seats }) : null;
    const title = subject ?? titleFromText(text) ?? text;
    const due = firstResponseDueAt(this.input.workspace, sim.createdAt);
    const respondAt = sim.junk ? null : sim.respondAt;
    const junkAt = sim.junk ? this.work(sim.createdAt, this.rng.logNormal(20, 0.8)) : null;
    const isJunk = this.before(junkAt, this.now);
    // the SLA check marks a lead still unanswered at its deadline (core/sla/check-sla.ts)
    const breached = respondAt ? respondAt > due : isJunk ? junkAt! > due : due < this.now;
    const converted = this.before(sim.convertAt, this.now);

    const conversation =
      this.out.conversations.push({
        contact,
        channel: sim.source,
        subject: sim.source === 'email' ? subject : null,
        createdAt: sim.createdAt,
        lastMessageAt: respondAt ?? sim.createdAt,
      }) - 1;
    this.out.messages.push({
      conversation,
      direction: 'inbound',
      channel: sim.source,
      text,
      authorUserId: null,
      deliveryStatus: null,
      createdAt: sim.createdAt,
    });
    const status = isJunk ? 'junk' : converted ? 'converted' : respondAt ? 'in_progress' : 'new';
    const changedAt = [sim.createdAt, respondAt, isJunk ? junkAt : null, converted ? sim.convertAt : null].filter((d): d is Date => d !== null);
    const lead =
      this.out.leads.push({
        contact,
        conversation,
        source: sim.source,
        status,
        title,
        firstMessage: text,
        assigneeId: managerId,
        firstResponseDueAt: due,
        firstResponseAt: respondAt,
        slaBreachedAt: breached ? new Date(due.getTime() + 1000) : null,
        junkReason: isJunk ? sim.junk!.reason : null,
        createdAt: sim.createdAt,
        updatedAt: new Date(Math.max(...changedAt.map((d) => d.getTime()))),
      }) - 1;

    this.activity('contact.created', sim.createdAt, null, { contact }, { channel: sim.source });
    this.activity('lead.created', sim.createdAt, null, { contact, lead }, { source: sim.source, assigneeId: managerId, roundRobin: true });
    if (breached) {
      this.activity(
        'lead.sla_breached',
        new Date(due.getTime() + 1000),
        null,
        { contact, lead },
        { dueAt: due.toISOString(), assigneeId: managerId, reassignedTo: null, previousAssigneeId: managerId },
      );
    }
    if (isJunk) this.activity('lead.junked', junkAt!, managerId, { contact, lead }, { reason: sim.junk!.reason });
    if (respondAt && managerId !== null) {
      this.out.messages.push({
        conversation,
        direction: 'outbound',
        channel: sim.source,
        text: fill(this.rng.pick(this.c.replies), { first }),
        authorUserId: managerId,
        deliveryStatus: 'sent',
        createdAt: respondAt,
      });
      this.activity(
        'lead.first_response',
        respondAt,
        managerId,
        { contact, lead },
        { at: respondAt.toISOString(), onTime: respondAt <= due, minutes: Math.round((respondAt.getTime() - sim.createdAt.getTime()) / MINUTE) },
      );
    }
    if (!respondAt || managerId === null) return;

    const name = this.out.contacts[contact]!.name;
    if (converted) {
      this.emitDeal(sim, lead, contact, managerId);
      return;
    }
    // not (yet) a deal: a call back a day or two later, done unless forgotten
    this.emitTaskChain({
      title: fill(this.c.tasks.callBack, { name }),
      createdAt: respondAt,
      dueAt: this.roundUp(this.work(respondAt, this.rng.between(0.5, 2.5) * WORKDAY)),
      ownerId: managerId,
      creatorId: managerId,
      refs: { lead, contact },
      forget: PROFILES[sim.manager! % PROFILES.length]!.forget,
      followUp: null,
    });
  }

  private amount(product: string, seats: number, currency: string): string {
    const p = this.c.products[product]!;
    const main = p.perSeat ? seats * this.rng.between(p.perSeat[0], p.perSeat[1]) : this.rng.logUniform(p.fixed![0], p.fixed![1]);
    const rate = this.c.rates[currency] ?? { perMain: 1, roundTo: 1 };
    const value = Math.max(rate.roundTo, Math.round((main * rate.perMain) / rate.roundTo) * rate.roundTo);
    return value.toFixed(2);
  }

  private stageOf(step: PathStep) {
    return step.stage === 'won' ? this.wonStage : step.stage === 'lost' ? this.lostStage : this.openStages[step.stage]!;
  }

  private emitDeal(sim: SimLead, lead: Ref, contact: Ref, ownerId: number): void {
    const company = this.out.contacts[contact]!.company;
    const who = company === null ? this.out.contacts[contact]!.name : this.out.companies[company]!.name;
    const spec = this.c.companies.find((c) => c.name === who);
    const currency = spec?.currency ?? this.c.currency;
    const product = this.c.products[sim.request.product]!;
    const title = `${who}: ${fill(product.title, { n: sim.seats })}`;
    const path = sim.path;
    const createdAt = path[0]!.at;
    const last = path.at(-1)!;
    const closed = last.stage === 'won' || last.stage === 'lost';
    const amount = this.amount(sim.request.product, sim.seats, currency);
    const deal =
      this.out.deals.push({
        lead,
        contact,
        company,
        ownerId,
        title,
        titleKey: dealTitleKey(title),
        amount,
        currency,
        pipelineId: this.input.pipeline.id,
        stageId: this.stageOf(last).id,
        status: last.stage === 'won' ? 'won' : last.stage === 'lost' ? 'lost' : 'open',
        lostReason: last.stage === 'lost' ? (last.reason ?? null) : null,
        closedAt: closed ? last.at : null,
        expectedCloseAt: !closed && (last.stage as number) >= 2 ? this.roundUp(new Date(last.at.getTime() + this.rng.between(7, 30) * DAY), DAY) : null,
        lastActivityAt: last.at,
        createdAt,
        updatedAt: last.at,
      }) - 1;
    const leadTitle = this.out.leads[lead]!.title;
    this.activity('lead.converted', createdAt, ownerId, { contact, lead, deal }, { title: leadTitle, dealTitle: title });
    this.activity('deal.created', createdAt, ownerId, { contact, lead, deal }, { title, amount, currency, stage: this.stageOf(path[0]!).name });
    for (let i = 1; i < path.length; i++) {
      const from = this.stageOf(path[i - 1]!);
      const step = path[i]!;
      const to = this.stageOf(step);
      const type = step.stage === 'won' ? 'deal.won' : step.stage === 'lost' ? 'deal.lost' : 'deal.stage_moved';
      const data: Json = { title, fromStageId: from.id, from: from.name, to: to.name };
      if (step.stage === 'lost') data.reason = step.reason ?? null;
      this.activity(type, step.at, ownerId, { contact, lead, deal }, data);
    }

    // a task for each stage the deal entered: done by the time it moved on; the current
    // stage's task is followed up until the deal moves, unless somebody forgot it
    const forget = PROFILES[sim.manager! % PROFILES.length]!.forget;
    const stageTitles = [this.c.tasks.stage.New, this.c.tasks.stage.Qualified, this.c.tasks.stage.Proposal, this.c.tasks.stage.Negotiation];
    for (let i = 0; i < path.length; i++) {
      const step = path[i]!;
      if (typeof step.stage !== 'number') break;
      const next = path[i + 1];
      const dueAt = this.roundUp(this.work(step.at, this.rng.between(4, 16) * 60));
      const taskTitle = fill(stageTitles[Math.min(step.stage, stageTitles.length - 1)]!, { deal: title });
      const refs = { deal, contact };
      if (next) {
        const doneAt = new Date(Math.max(step.at.getTime() + 10 * MINUTE, next.at.getTime() - this.rng.between(5, 90) * MINUTE));
        this.pushTask({ title: taskTitle, createdAt: step.at, dueAt, ownerId, creatorId: ownerId, refs, completedAt: doneAt });
        continue;
      }
      const lastDone = this.emitTaskChain({
        title: taskTitle,
        createdAt: step.at,
        dueAt,
        ownerId,
        creatorId: ownerId,
        refs,
        forget,
        followUp: fill(this.c.tasks.followUp, { deal: title }),
      });
      if (lastDone && lastDone > this.out.deals[deal]!.lastActivityAt) {
        // finishing a deal's task is activity on the deal (core/tasks/complete-task.ts)
        this.out.deals[deal]!.lastActivityAt = lastDone;
        this.out.deals[deal]!.updatedAt = lastDone;
      }
    }
  }

  private pushTask(t: {
    title: string;
    createdAt: Date;
    dueAt: Date;
    ownerId: number;
    creatorId: number | null;
    refs: Partial<Pick<PlanTask, 'lead' | 'deal' | 'contact'>>;
    completedAt: Date | null;
    rrule?: string;
    series?: Ref;
  }): Ref {
    const ref = this.out.tasks.length;
    const completedAt = t.completedAt && t.completedAt < this.now ? t.completedAt : null;
    this.out.tasks.push({
      title: t.title,
      dueAt: t.dueAt,
      assigneeId: t.ownerId,
      creatorId: t.creatorId,
      status: completedAt ? 'done' : 'open',
      completedAt,
      rrule: t.rrule ?? null,
      series: t.rrule ? (t.series ?? ref) : null,
      lead: t.refs.lead ?? null,
      deal: t.refs.deal ?? null,
      contact: t.refs.contact ?? null,
      createdAt: t.createdAt,
      updatedAt: completedAt ?? t.createdAt,
    });
    const links = { task: ref, lead: t.refs.lead ?? null, deal: t.refs.deal ?? null, contact: t.refs.contact ?? null };
    this.activity('task.created', t.createdAt, t.creatorId, links, {
      title: t.title,
      dueAt: t.dueAt.toISOString(),
      assigneeId: t.ownerId,
      rrule: t.rrule ?? null,
    });
    if (completedAt) this.activity('task.completed', completedAt, t.ownerId, links, { title: t.title });
    return ref;
  }

  /**
   * A task and, while it keeps getting done, follow-ups a few working days apart until one is
   * still ahead of `now` or was forgotten: a task forgotten lately stays open and overdue,
   * one forgotten long ago was done days late (somebody caught up). Returns the last
   * completion, if any.
   */
  private emitTaskChain(t: {
    title: string;
    createdAt: Date;
    dueAt: Date;
    ownerId: number;
    creatorId: number;
    refs: Partial<Pick<PlanTask, 'lead' | 'deal' | 'contact'>>;
    forget: number;
    followUp: string | null;
  }): Date | null {
    let { title, createdAt, dueAt } = t;
    let lastDone: Date | null = null;
    for (;;) {
      const forgotten = dueAt < this.now && this.rng.chance(t.forget);
      if (dueAt >= this.now || (forgotten && dueAt.getTime() > this.now.getTime() - FORGOTTEN_FOR)) {
        this.pushTask({ ...t, title, createdAt, dueAt, completedAt: null });
        return lastDone;
      }
      // mostly on the day, sometimes a day or two late, never before it was set
      const late = forgotten ? this.rng.between(3, 10) * DAY : this.rng.chance(0.25) ? this.rng.between(4, 40) * HOUR : this.rng.between(-3, 2) * HOUR;
      const doneAt = new Date(Math.min(this.now.getTime() - MINUTE, Math.max(createdAt.getTime() + 10 * MINUTE, dueAt.getTime() + late)));
      this.pushTask({ ...t, title, createdAt, dueAt, completedAt: doneAt });
      lastDone = doneAt;
      if (!t.followUp) return lastDone;
      title = t.followUp;
      createdAt = doneAt;
      dueAt = this.roundUp(this.work(doneAt, this.rng.between(1, 4) * WORKDAY));
    }
  }

  /** The head's weekly pipeline review (a recurring series), and a check-in on the biggest open deal. */
  private emitHeadTasks(): void {
    const head = this.input.head;
    const rrule = normalizeRrule(DEMO_REVIEW_RRULE);
    const start = zonedTimeToInstant({ ...addLocalDays(localParts(this.at(-DEMO_HISTORY_DAYS), head.timezone), 0), hour: 0 }, head.timezone);
    let dueAt = nextOccurrence(rrule, start, head.timezone, new Date(start.getTime() + 10 * HOUR));
    let series: Ref | undefined;
    let createdAt = new Date(start.getTime() - 3 * DAY);
    while (dueAt) {
      const doneAt = new Date(dueAt.getTime() + this.rng.between(30, 90) * MINUTE);
      const done = doneAt < this.now;
      const ref = this.pushTask({
        title: this.c.tasks.review,
        createdAt,
        dueAt,
        ownerId: head.id,
        creatorId: head.id,
        refs: {},
        completedAt: done ? doneAt : null,
        rrule,
        series,
      });
      series ??= ref;
      if (!done) break;
      // completing an occurrence creates the next one (core/tasks/ensure-next-occurrence.ts)
      createdAt = doneAt;
      dueAt = nextOccurrence(rrule, dueAt > doneAt ? dueAt : doneAt, head.timezone, this.out.tasks[series]!.dueAt);
    }

    const biggest = this.out.deals
      .map((d, ref) => ({ d, ref }))
      .filter(({ d }) => d.status === 'open' && d.currency === this.c.currency)
      .sort((a, b) => Number(b.d.amount) - Number(a.d.amount))[0];
    if (biggest) {
      const createdAt = new Date(Math.min(this.now.getTime() - MINUTE, Math.max(biggest.d.lastActivityAt.getTime(), this.now.getTime() - 6 * HOUR) + MINUTE));
      const refs = { deal: biggest.ref, contact: biggest.d.contact };
      const dueAt = this.roundUp(this.work(this.now, WORKDAY));
      this.pushTask({
        title: fill(this.c.tasks.checkIn, { deal: biggest.d.title }),
        createdAt,
        dueAt,
        ownerId: biggest.d.ownerId,
        creatorId: head.id,
        refs,
        completedAt: null,
      });
    }
  }

  /** Each manager has something overdue and something ahead, whatever the chance gave. */
  private assureTasksPerManager(): void {
    const since = new Date(this.now.getTime() - 3 * DAY);
    for (const manager of this.input.managers) {
      const open = this.out.tasks.filter((t) => t.assigneeId === manager.id && t.status === 'open');
      // about a customer they answered before `since`, else one of their open deals
      const lead = this.out.leads
        .map((l, ref) => ({ l, ref }))
        .filter(({ l }) => l.assigneeId === manager.id && l.status === 'in_progress' && this.before(l.firstResponseAt, since))
        .at(-1);
      const deal = this.out.deals.map((d, ref) => ({ d, ref })).filter(({ d }) => d.ownerId === manager.id && d.status === 'open' && d.createdAt < since)[0];
      const about = lead
        ? { title: fill(this.c.tasks.callBack, { name: this.out.contacts[lead.l.contact]!.name }), refs: { lead: lead.ref, contact: lead.l.contact } }
        : deal
          ? { title: fill(this.c.tasks.followUp, { deal: deal.d.title }), refs: { deal: deal.ref, contact: deal.d.contact } }
          : null;
      if (!about) continue;
      const task = { ...about, ownerId: manager.id, creatorId: manager.id, completedAt: null, createdAt: since };
      if (!open.some((t) => t.dueAt < this.now)) this.pushTask({ ...task, dueAt: this.roundUp(new Date(since.getTime() + DAY)) });
      if (!open.some((t) => t.dueAt >= this.now)) this.pushTask({ ...task, dueAt: this.roundUp(this.work(this.now, this.rng.between(0.5, 1.5) * WORKDAY)) });
    }
  }
}
