// Customer value's aggregates in SQL (core/value/value-store.ts is the port): a scope of
// contacts (one contact, or a company's contacts plus the deals filed under the company),
// rankings by won amount over a period, and the team digest's extra sections (lost reasons,
// managers, first-response shares). Each is one statement; amounts are summed as numeric
// and returned as two-decimal text.
import type { CustomerValueStore, DealSumRow, InteractionRow, LostReasonRow, ManagerRow, ResponseShareRow, TopRow } from '../../../core/value/value-store.js';
import { statement } from '../statement.js';

type Scope = { workspaceId: number; contactIds: number[]; companyId: number | null };

/** Deals of the scope (a contact of it on the deal, or the deal filed under the company) per status and currency. */
const dealSums = statement<Scope, DealSumRow>(`
SELECT status::text AS status, trim(currency) AS currency, (count(*))::int AS n,
       (COALESCE(sum(amount), 0))::numeric(18,2)::text AS total
  FROM "Deal"
 WHERE "workspaceId" = :workspaceId
   AND ("contactId" = ANY(:contactIds::int[]) OR "companyId" = :companyId::int)
 GROUP BY 1, 2
 ORDER BY 1, 2`);

/** First and last message of the scope's conversations; mean seconds to the first response of its answered leads. */
const interactions = statement<Scope, InteractionRow>(`
SELECT (SELECT min(m."createdAt") FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
         WHERE c."workspaceId" = :workspaceId AND c."contactId" = ANY(:contactIds::int[])) AS first,
       (SELECT max(m."createdAt") FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
         WHERE c."workspaceId" = :workspaceId AND c."contactId" = ANY(:contactIds::int[])) AS last,
       l.avg_response AS "avgResponse", l.responded
  FROM (SELECT (avg(extract(epoch FROM "firstResponseAt" - "createdAt")))::float8 AS avg_response,
               (count("firstResponseAt"))::int AS responded
          FROM "Lead"
         WHERE "workspaceId" = :workspaceId AND "contactId" = ANY(:contactIds::int[])) l`);

/** Contacts by won amount in [:start, :end): the first :limit per currency (deals without an amount or a contact left out). */
const topContacts = statement<{ workspaceId: number; start: Date; end: Date; limit: number }, TopRow>(`
SELECT id, name, currency, n, total FROM (
  SELECT c.id, c.name, trim(d.currency) AS currency, (count(*))::int AS n,
         (sum(d.amount))::numeric(18,2)::text AS total,
         row_number() OVER (PARTITION BY trim(d.currency) ORDER BY sum(d.amount) DESC, count(*) DESC, c.id) AS rn,
         sum(d.amount) AS sort_total
    FROM "Deal" d
    JOIN "Contact" c ON c.id = d."contactId"
   WHERE d."workspaceId" = :workspaceId AND d.status = 'won' AND d.amount IS NOT NULL AND d.currency IS NOT NULL
     AND d."closedAt" >= :start::timestamp AND d."closedAt" < :end::timestamp
   GROUP BY c.id, c.name, trim(d.currency)
) s
WHERE rn <= :limit
ORDER BY currency, sort_total DESC, n DESC, id`);

/** Companies (the deal's company, else its contact's) by won amount in [:start, :end): the first :limit per currency. */
const topCompanies = statement<{ workspaceId: number; start: Date; end: Date; limit: number }, TopRow>(`
SELECT id, name, currency, n, total FROM (
  SELECT co.id, co.name, trim(d.currency) AS currency, (count(*))::int AS n,
         (sum(d.amount))::numeric(18,2)::text AS total,
         row_number() OVER (PARTITION BY trim(d.currency) ORDER BY sum(d.amount) DESC, count(*) DESC, co.id) AS rn,
         sum(d.amount) AS sort_total
    FROM "Deal" d
    LEFT JOIN "Contact" c ON c.id = d."contactId"
    JOIN "Company" co ON co.id = COALESCE(d."companyId", c."companyId")
   WHERE d."workspaceId" = :workspaceId AND d.status = 'won' AND d.amount IS NOT NULL AND d.currency IS NOT NULL
     AND d."closedAt" >= :start::timestamp AND d."closedAt" < :end::timestamp
   GROUP BY co.id, co.name, trim(d.currency)
) s
WHERE rn <= :limit
ORDER BY currency, sort_total DESC, n DESC, id`);

/** Deals lost in [:start, :end) by reason (equal up to case and spaces) and currency; most frequent first. */
const lostReasons = statement<{ workspaceId: number; start: Date; end: Date }, LostReasonRow>(`
SELECT min(btrim(regexp_replace("lostReason", '\\s+', ' ', 'g'))) AS reason, (count(*))::int AS n, trim(currency) AS currency,
       (COALESCE(sum(amount), 0))::numeric(18,2)::text AS total
  FROM "Deal"
 WHERE "workspaceId" = :workspaceId AND status = 'lost'
   AND "closedAt" >= :start::timestamp AND "closedAt" < :end::timestamp
 GROUP BY NULLIF(lower(btrim(regexp_replace("lostReason", '\\s+', ' ', 'g'))), ''), trim(currency)`);

/**
 * Per manager: leads created in [:start, :end) assigned to them and how many became deals (a
 * deal links to the lead, or it is converted); deals they own won in the period, per
 * currency. A manager with neither is left out; one row per won currency (or one with a
 * null currency).
 */
const managers = statement<{ workspaceId: number; start: Date; end: Date }, ManagerRow>(`
WITH l AS (
  SELECT l."assigneeId" AS uid, (count(*))::int AS leads,
         (count(*) FILTER (WHERE d.id IS NOT NULL OR l.status = 'converted'))::int AS converted
    FROM "Lead" l
    LEFT JOIN "Deal" d ON d."leadId" = l.id
   WHERE l."workspaceId" = :workspaceId AND l."assigneeId" IS NOT NULL
     AND l."createdAt" >= :start::timestamp AND l."createdAt" < :end::timestamp
   GROUP BY 1
), w AS (
  SELECT "ownerId" AS uid, trim(currency) AS currency, (count(*))::int AS won,
         (COALESCE(sum(amount), 0))::numeric(18,2)::text AS total
    FROM "Deal"
   WHERE "workspaceId" = :workspaceId AND status = 'won'
     AND "closedAt" >= :start::timestamp AND "closedAt" < :end::timestamp
   GROUP BY 1, 2
)
SELECT u.id AS "userId", u.name, COALESCE(l.leads, 0) AS leads, COALESCE(l.converted, 0) AS converted,
       w.currency, COALESCE(w.won, 0) AS won, w.total
  FROM "User" u
  LEFT JOIN l ON l.uid = u.id
  LEFT JOIN w ON w.uid = u.id
 WHERE u."workspaceId" = :workspaceId AND (l.uid IS NOT NULL OR w.uid IS NOT NULL)
 ORDER BY u.name, u.id, w.currency`);

/** Leads created in [:start, :end), junk left out: answered within :fastSeconds, with a deadline, answered by it. */
const responseShares = statement<{ workspaceId: number; start: Date; end: Date; fastSeconds: number }, ResponseShareRow>(`
SELECT (count(*))::int AS leads,
       (count(*) FILTER (WHERE "firstResponseAt" - "createdAt" <= make_interval(secs => :fastSeconds::int)))::int AS within5,
       (count("firstResponseDueAt"))::int AS "withDue",
       (count(*) FILTER (WHERE "firstResponseAt" <= "firstResponseDueAt"))::int AS "withinSla"
  FROM "Lead"
 WHERE "workspaceId" = :workspaceId AND status <> 'junk'
   AND "createdAt" >= :start::timestamp AND "createdAt" < :end::timestamp`);

const popularTags = statement<{ workspaceId: number; limit: number }, { tag: string }>(`
SELECT tag FROM "Contact", unnest(tags) AS tag
 WHERE "workspaceId" = :workspaceId AND "mergedIntoId" IS NULL AND "erasedAt" IS NULL
 GROUP BY tag
 ORDER BY count(*) DESC, tag
 LIMIT :limit`);

export const sqlCustomerValueStore: CustomerValueStore = {
  dealSums: (db, q) => dealSums.query(db, q),
  async interactions(db, q) {
    const [row] = await interactions.query(db, q);
    return row ?? { first: null, last: null, avgResponse: null, responded: 0 };
  },
  top: (db, q) => (q.kind === 'company' ? topCompanies : topContacts).query(db, { workspaceId: q.workspaceId, start: q.start, end: q.end, limit: q.limit }),
  lostReasons: (db, q) => lostReasons.query(db, q),
  managers: (db, q) => managers.query(db, q),
  async responseShares(db, q) {
    const [row] = await responseShares.query(db, q);
    return row ?? { leads: 0, within5: 0, withDue: 0, withinSla: 0 };
  },
  async popularTags(db, q) {
    return (await popularTags.query(db, q)).map((r) => r.tag);
  },
};
