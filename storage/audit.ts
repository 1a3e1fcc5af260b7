/**
 * The audit log: what the agent did, per tenant and conversation thread, in `app.audit_log`.
 */
import type pg from "pg";

/** A pool, or a checked-out client so an entry can join the caller's transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export type AuditDetail = Record<string, unknown>;

export interface AuditInput {
  /** Null for events outside any tenant (start-up, maintenance). */
  tenantId: string | null;
  threadId?: string | null;
  event: string;
  detail?: AuditDetail;
}

export interface AuditEntry {
  id: number;
  tenantId: string | null;
  threadId: string | null;
  event: string;
  detail: AuditDetail;
  createdAt: Date;
}

interface AuditRow {
  id: string;
  tenant_id: string | null;
  thread_id: string | null;
  event: string;
  detail: AuditDetail;
  created_at: Date;
}

const COLUMNS = "id, tenant_id, thread_id, event, detail, created_at";

function toEntry(row: AuditRow): AuditEntry {
  return {
    // bigserial arrives as a string; an audit log will not outgrow 2^53 rows.
    id: Number(row.id),
    tenantId: row.tenant_id,
    threadId: row.thread_id,
    event: row.event,
    detail: row.detail,
    createdAt: row.created_at,
  };
}

async function query(db: Queryable, text: string, values: unknown[]): Promise<AuditRow[]> {
  return (await db.query<AuditRow>(text, values)).rows;
}

export async function appendAudit(db: Queryable, input: AuditInput): Promise<AuditEntry> {
  if (!input.event) throw new Error("audit event must not be empty");
  const rows = await query(
    db,
    `insert into app.audit_log (tenant_id, thread_id, event, detail)
     values ($1, $2, $3, $4::jsonb)
     returning ${COLUMNS}`,
    // Serialised here: node-postgres would turn a top-level array into a PostgreSQL array.
    [input.tenantId, input.threadId ?? null, input.event, JSON.stringify(input.detail ?? {})],
  );
  const row = rows[0];
  if (!row) throw new Error("insert into app.audit_log returned no row");
  return toEntry(row);
}

/**
 * A tenant's latest `limit` entries (default 1000) in the order they were written, for one
 * thread or, when `threadId` is omitted, for all of them.
 */
export async function listAudit(
  db: Queryable,
  tenantId: string,
  threadId?: string,
  opts: { limit?: number } = {},
): Promise<AuditEntry[]> {
  const rows = await query(
    db,
    `select * from (
       select ${COLUMNS} from app.audit_log
       where tenant_id = $1 and ($2::text is null or thread_id = $2)
       order by id desc limit $3
     ) latest order by id`,
    [tenantId, threadId ?? null, opts.limit ?? 1000],
  );
  return rows.map(toEntry);
}
