/**
 * Saved segments in `app.segments` with their history in `app.segment_versions`. Every read
 * and write takes the tenant: another tenant's segment is simply not found.
 */
import type pg from "pg";
import { SegmentDefinition } from "../state/segment.ts";
import type { CompiledSql } from "../warehouse/compile.ts";
import type { Queryable } from "./audit.ts";

export interface SegmentRecord {
  id: string;
  tenantId: string;
  name: string;
  threadId: string | null;
  request: string;
  definition: SegmentDefinition;
  sql: string;
  size: number | null;
  /** The latest version number. */
  version: number;
  createdAt: Date;
}

export interface NewSegment {
  tenantId: string;
  threadId: string;
  name: string;
  request: string;
  definition: SegmentDefinition;
  sql: string;
  size: number | null;
}

interface Row {
  id: string;
  tenant_id: string;
  name: string | null;
  thread_id: string | null;
  request: string;
  definition: unknown;
  sql: string;
  size: number | null;
  version: number | null;
  created_at: Date;
}

const SELECT = `
  select s.id, s.tenant_id, s.name, s.thread_id, s.request, s.definition, s.sql, s.size,
         s.created_at,
         (select max(v.version) from app.segment_versions v where v.segment_id = s.id) as version
  from app.segments s`;

function toRecord(row: Row): SegmentRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name ?? "",
    threadId: row.thread_id,
    request: row.request,
    // Parsed so a hand-edited row fails here, loudly, rather than in the SQL compiler.
    definition: SegmentDefinition.parse(row.definition),
    sql: row.sql,
    size: row.size,
    version: row.version ?? 1,
    createdAt: row.created_at,
  };
}

/** Saves the segment and its version 1 in one transaction. */
export async function saveSegment(pool: pg.Pool, input: NewSegment): Promise<SegmentRecord> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const { rows } = await client.query<{ id: string }>(
      `insert into app.segments (tenant_id, name, thread_id, request, definition, sql, size)
       values ($1, $2, $3, $4, $5::jsonb, $6, $7) returning id`,
      [
        input.tenantId,
        input.name,
        input.threadId,
        input.request,
        JSON.stringify(input.definition),
        input.sql,
        input.size,
      ],
    );
    const id = rows[0]!.id;
    await client.query(
      `insert into app.segment_versions (segment_id, version, definition, sql, size)
       values ($1, 1, $2::jsonb, $3, $4)`,
      [id, JSON.stringify(input.definition), input.sql, input.size],
    );
    const saved = await client.query<Row>(`${SELECT} where s.id = $1`, [id]);
    await client.query("commit");
    return toRecord(saved.rows[0]!);
  } catch (err) {
    await client.query("rollback").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function getSegment(
  db: Queryable,
  tenantId: string,
  id: string,
): Promise<SegmentRecord | null> {
  const { rows } = await db.query<Row>(`${SELECT} where s.id = $1 and s.tenant_id = $2`, [
    id,
    tenantId,
  ]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * A page of the tenant's segments, newest first. `after` is the id of the last segment of the
 * previous page; its exact created_at is looked up, so microseconds never round away.
 */
export async function listSegments(
  db: Queryable,
  tenantId: string,
  opts: { limit: number; after?: string },
): Promise<{ items: SegmentRecord[]; next: string | null }> {
  const { rows } = await db.query<Row>(
    `${SELECT}
     where s.tenant_id = $1
       and ($2::uuid is null or (s.created_at, s.id) < (
         select c.created_at, c.id from app.segments c where c.id = $2 and c.tenant_id = $1))
     order by s.created_at desc, s.id desc
     limit $3`,
    [tenantId, opts.after ?? null, opts.limit + 1],
  );
  const items = rows.slice(0, opts.limit).map(toRecord);
  return { items, next: rows.length > opts.limit ? items[items.length - 1]!.id : null };
}

export async function updateSegmentSize(
  db: Queryable,
  tenantId: string,
  id: string,
  size: number,
): Promise<boolean> {
  const { rowCount } = await db.query(
    "update app.segments set size = $3 where id = $1 and tenant_id = $2",
    [id, tenantId, size],
  );
  return rowCount === 1;
}

/**
 * Members in the warehouse's order (shorter ids first, then by text: numeric order for numeric
 * ids), strictly after `after`, read-only and under a statement timeout like every segment run.
 */
export async function memberPage(
  pool: pg.Pool,
  sql: CompiledSql,
  opts: { limit: number; after?: string; statementTimeoutMs: number },
): Promise<{ items: string[]; next: string | null }> {
  const n = sql.values.length;
  const client = await pool.connect();
  try {
    await client.query("begin transaction read only");
    await client.query(`set local statement_timeout = ${Math.trunc(opts.statementTimeoutMs)}`);
    const { rows } = await client.query<{ customer_id: string }>({
      text: `select customer_id from (${sql.text}) m
             where $${n + 1}::text is null
                or (length(customer_id), customer_id) > (length($${n + 1}::text), $${n + 1}::text)
             order by length(customer_id), customer_id
             limit $${n + 2}`,
      values: [...sql.values, opts.after ?? null, opts.limit + 1],
    });
    await client.query("commit");
    const items = rows.slice(0, opts.limit).map((r) => r.customer_id);
    return { items, next: rows.length > opts.limit ? items[items.length - 1]! : null };
  } catch (err) {
    await client.query("rollback").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
