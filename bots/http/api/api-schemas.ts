// The REST API's shapes (zod: validation, serialization and the OpenAPI document at once) and
// core/api/views.ts maps core's records to them. Times are ISO 8601 strings, money a decimal string.
import { z } from 'zod';

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ in: z.string().optional(), field: z.string().optional(), message: z.string() })).optional(),
  })
  .loose()
  .describe('RFC 9457 problem details; `errors` names the fields at fault');

/** The problem answers every authenticated route may give. */
export const problems = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
  413: problemSchema,
  415: problemSchema,
  422: problemSchema,
  429: problemSchema,
} as const;

const id = z.number().int().positive();
const time = z.string().describe('ISO 8601');

export const leadSchema = z
  .object({
    id,
    status: z.enum(['new', 'in_progress', 'converted', 'junk', 'merged']),
    title: z.string(),
    source: z.string().describe('the channel it came by: web, telegram, email, slack, console'),
    message: z.string().nullable().describe('the first message'),
    contactId: id,
    assigneeId: id.nullable(),
    firstResponseDueAt: time.nullable(),
    firstResponseAt: time.nullable(),
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'Lead' });

export const contactSchema = z
  .object({
    id,
    name: z.string(),
    company: z.string().nullable(),
    emails: z.array(z.string()),
    phones: z.array(z.string()).describe('E.164'),
    tags: z.array(z.string()).describe('lower-cased tags (chat /tag, import)'),
    fields: z.record(z.string(), z.string()).describe('custom fields (chat /field, import)'),
    createdAt: time,
  })
  .meta({ id: 'Contact' });

export const dealSchema = z
  .object({
    id,
    title: z.string(),
    amount: z.string().nullable().describe('decimal, e.g. "120000.00"'),
    currency: z.string().nullable().describe('ISO 4217'),
    status: z.enum(['open', 'won', 'lost']),
    stage: z.object({ id, name: z.string(), kind: z.enum(['open', 'won', 'lost']) }),
    ownerId: id,
    contactId: id.nullable(),
    companyId: id.nullable(),
    leadId: id.nullable(),
    lostReason: z.string().nullable(),
    expectedCloseAt: time.nullable(),
    closedAt: time.nullable(),
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'Deal' });

export const taskSchema = z
  .object({
    id,
    title: z.string(),
    dueAt: time,
    snoozedUntil: time.nullable(),
    status: z.enum(['open', 'done', 'cancelled']),
    assigneeId: id,
    rrule: z.string().nullable(),
    leadId: id.nullable(),
    dealId: id.nullable(),
    contactId: id.nullable(),
    createdAt: time,
  })
  .meta({ id: 'Task' });

export const idParams = z.object({ id: z.coerce.number().int().positive() });
