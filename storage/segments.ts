/**
 * Saved segments in `app.segments` with their history in `app.segment_versions`. Every read
 * and write takes the tenant: another tenant's segment is simply not found. A saved segment
 * is the lineage of versions a conversation built; each later version is appended once (one
 * writer per version number), with the audit entry that records it.
 */
import type pg from "pg";
import {
  VersionConflictError,
  type SavedLineage,
  type SegmentVersionStore,
} from "../state/context.ts";
import { SegmentDiff, VersionKind, type VersionEntry } from "../state/edit.ts";
import { SegmentDefinition } from "../state/segment.ts";
import { appendAudit, type Queryable } from "./audit.ts";
import { inTransaction } from "./transaction.ts";

export interface SegmentRecord {
  id: string;
  tenantId: string;
  name: string;
  threadId: string | null;
  /** The conversation lineage the segment's versions come from. */
  lineageId: string;
  request: string;
  definition: SegmentDefinition;
  sql: string;
  size: number | null;
  /** The latest version number. */
  version: number;
  createdAt: Date;
  /** Who saved it (its first version's writer: `key:<id>`, `cli`), when recorded. */
  savedBy: string | null;
}

export interface NewSegment {
  tenantId: string;
  threadId: string;
  name: string;
  lineageId: string;
  /** Every version of the lineage so far, oldest first; the last is the segment now. */
  versions: VersionEntry[];
  /** Who saved it (the API key's name or prefix, the CLI), for the audit trail. */
  savedBy?: string;
}

interface Row {
  id: string;
  tenant_id: string;
  name: string | null;
  thread_id: string | null;
  lineage_id: string;
  request: string;
  definition: unknown;
  sql: string;
  size: number | null;
  version: number | null;
  created_at: Date;
  saved_by: string | null;
}

const SELECT = `
  select s.id, s.tenant_id, s.name, s.thread_id, s.lineage_id, s.request, s.definition, s.sql,
         s.size, s.created_at,
         (select max(v.version) from app.segment_versions v where v.segment_id = s.id) as version,
         (select v.created_by from app.segment_versions v where v.segment_id = s.id
          order by v.version limit 1) as saved_by
  from app.segments s`;

function toRecord(row: Row): SegmentRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name ?? "",
    threadId: row.thread_id,
    lineageId: row.lineage_id,
    request: row.request,
    // Parsed so a hand-edited row fails here, loudly, rather than in the SQL compiler.
    definition: SegmentDefinition.parse(row.definition),
    sql: row.sql,
    size: row.size,
    version: row.version ?? 1,
    createdAt: row.created_at,
    savedBy: row.saved_by,
  };
}

/** The segment already saved from this lineage (saving it twice is a conflict). */
export class AlreadySavedError extends Error {
  constructor(readonly segmentId: string) {
    super(`this conversation's segment is already saved as ${segmentId}`);
  }
}

async function insertVersion(
  db: Queryable,
  segmentId: string,
  v: VersionEntry,
  writer: { by?: string; threadId?: string | null },
) {
  await db.query(
    `insert into app.segment_versions
       (segment_id, version, definition, sql, size, kind, request, params, explanation, diff,
        producer, created_by, created_at, thread_id, versions)
     values ($1, $2, $3::jsonb, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11, $12, $13,
             $14, $15::jsonb)`,
    [
      segmentId,
      v.version,
      JSON.stringify(v.segment),
      v.sql.text,
      v.size,
      v.kind,
      v.text,
      JSON.stringify(v.sql.values),
      JSON.stringify(v.explanation),
      v.diff ? JSON.stringify(v.diff) : null,
      v.producer,
      writer.by ?? null,
      v.at,
      writer.threadId ?? null,
      v.versions ? JSON.stringify(v.versions) : null,
    ],
  );
}

const UNIQUE_VIOLATION = "23505";

/** Saves the segment with every version of its lineage so far, in one transaction. */
export async function saveSegment(pool: pg.Pool, input: NewSegment): Promise<SegmentRecord> {
  const latest = input.versions[input.versions.length - 1];
  const first = input.versions[0];
  if (!latest || !first) throw new Error("a segment needs at least one version");
  try {
    return await inTransaction(pool, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `insert into app.segments
           (tenant_id, name, thread_id, lineage_id, request, definition, sql, size)
         values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8) returning id`,
        [
          input.tenantId,
          input.name,
          input.threadId,
          input.lineageId,
          first.segment.request,
          JSON.stringify(latest.segment),
          latest.sql.text,
          latest.size,
        ],
      );
      const id = rows[0]!.id;
      for (const v of input.versions)
        await insertVersion(client, id, v, { by: input.savedBy, threadId: input.threadId });
      const saved = await client.query<Row>(`${SELECT} where s.id = $1`, [id]);
      return toRecord(saved.rows[0]!);
    });
  } catch (err) {
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) {
      const existing = await pool.query<{ id: string }>(
        "select id from app.segments where tenant_id = $1 and lineage_id = $2",
        [input.tenantId, input.lineageId],
      );
      if (existing.rows[0]) throw new AlreadySavedError(existing.rows[0].id);
    }
    throw err;
  }
}

interface VersionRow {
  version: number;
  kind: string;
  request: string | null;
  definition: unknown;
  sql: string;
  params: unknown[];
  size: number | null;
  explanation: string[];
  diff: unknown;
  producer: string | null;
  versions: VersionEntry["versions"] | null;
  created_at: Date;
}

const VERSION_COLUMNS =
  "version, kind, request, definition, sql, params, size, explanation, diff, producer, versions, created_at";

function toVersion(row: VersionRow): VersionEntry {
  const segment = SegmentDefinition.parse(row.definition);
  return {
    version: row.version,
    kind: VersionKind.parse(row.kind),
    text: row.request ?? segment.request,
    segment,
    sql: { text: row.sql, values: row.params ?? [] },
    size: row.size,
    explanation: row.explanation ?? [],
    diff: row.diff ? SegmentDiff.parse(row.diff) : null,
    producer: row.producer ?? "",
    ...(row.versions ? { versions: row.versions } : {}),
    at: row.created_at.toISOString(),
  };
}

/** Every version of a segment of the tenant, oldest first (empty when there is none). */
export async function listVersions(
  db: Queryable,
  tenantId: string,
  segmentId: string,
): Promise<VersionEntry[]> {
  const { rows } = await db.query<VersionRow>(
    `select ${VERSION_COLUMNS} from app.segment_versions v
     where v.segment_id = $1
       and exists (select 1 from app.segments s where s.id = v.segment_id and s.tenant_id = $2)
     order by version`,
    [segmentId, tenantId],
  );
  return rows.map(toVersion);
}

/**
 * Appends the next version: it must follow the latest one exactly, and one insert per number
 * can win (the primary key), so two edits based on the same version cannot both land. The
 * segment's current definition, SQL and size follow, with an audit entry, in one transaction.
 */
export async function appendVersion(
  pool: pg.Pool,
  tenantId: string,
  segmentId: string,
  entry: VersionEntry,
  opts: { threadId?: string | null; by?: string; signal?: AbortSignal } = {},
): Promise<void> {
  try {
    await inTransaction(pool, async (client) => {
      // Locks the segment row: appends to one segment take turns, other segments are free.
      const { rows } = await client.query<{ latest: number | null }>(
        `select (select max(version) from app.segment_versions where segment_id = s.id) as latest
         from app.segments s where s.id = $1 and s.tenant_id = $2 for update`,
        [segmentId, tenantId],
      );
      if (!rows[0]) throw new Error(`no segment ${segmentId} for tenant ${tenantId}`);
      if ((rows[0].latest ?? 0) !== entry.version - 1)
        throw new VersionConflictError(segmentId, entry.version);
      // A run whose caller left while this waited for the row lock writes nothing: its cut is
      // then recorded with no version behind it (the discard after a cut may already be done).
      opts.signal?.throwIfAborted();
      await insertVersion(client, segmentId, entry, opts);
      // The thread that wrote the version edits the segment from now on (a loaded thread
      // takes over only once it has made a version, so a refused edit moves nothing).
      await client.query(
        `update app.segments set definition = $2::jsonb, sql = $3, size = $4,
                thread_id = coalesce($5::text, thread_id)
         where id = $1`,
        [
          segmentId,
          JSON.stringify(entry.segment),
          entry.sql.text,
          entry.size,
          opts.threadId ?? null,
        ],
      );
      await appendAudit(client, {
        tenantId,
        threadId: opts.threadId ?? null,
        event: "segment.version",
        detail: {
          segmentId,
          version: entry.version,
          kind: entry.kind,
          text: entry.text,
          size: entry.size,
          diff: entry.diff?.summary ?? [],
          producer: entry.producer,
        },
      });
    });
  } catch (err) {
    if ((err as { code?: string }).code === UNIQUE_VIOLATION)
      throw new VersionConflictError(segmentId, entry.version);
    throw err;
  }
}

/**
 * Brings a saved lineage back to its writing thread's last stable state: versions after
 * `keepThrough` that this thread wrote are ones a cut-short run stored before its checkpoint
 * (the thread never recorded them), so the trailing run of them goes, and the segment is its
 * latest version left. A version of this thread's below another thread's stays: that one
 * built on it. Returns the version numbers discarded.
 */
export async function discardUnrecordedVersions(
  pool: pg.Pool,
  tenantId: string,
  lineageId: string,
  by: { threadId: string; keepThrough: number },
): Promise<number[]> {
  return inTransaction(pool, async (client) => {
    const { rows: seg } = await client.query<{ id: string }>(
      "select id from app.segments where tenant_id = $1 and lineage_id = $2 for update",
      [tenantId, lineageId],
    );
    const segmentId = seg[0]?.id;
    if (!segmentId) return [];
    const { rows } = await client.query<{ version: number; thread_id: string | null }>(
      `select version, thread_id from app.segment_versions
       where segment_id = $1 and version > $2 order by version`,
      [segmentId, by.keepThrough],
    );
    // Only the trailing run of this thread's versions: one below another thread's version
    // was built on by it (and this thread may have synced that one before its cut run).
    let from = rows.length;
    while (from > 0 && rows[from - 1]!.thread_id === by.threadId) from--;
    const discard = rows.slice(from);
    if (discard.length === 0) return [];
    await client.query("delete from app.segment_versions where segment_id = $1 and version >= $2", [
      segmentId,
      discard[0]!.version,
    ]);
    await client.query(
      `update app.segments s set definition = v.definition, sql = v.sql, size = v.size
       from app.segment_versions v
       where s.id = $1 and v.segment_id = s.id
         and v.version = (select max(version) from app.segment_versions where segment_id = s.id)`,
      [segmentId],
    );
    const versions = discard.map((r) => r.version);
    await appendAudit(client, {
      tenantId,
      threadId: by.threadId,
      event: "segment.versions_discarded",
      detail: { segmentId, versions, reason: "the run that wrote them was cut short" },
    });
    return versions;
  });
}

/** Saved segments as the conversation graph sees them (see SegmentVersionStore). */
export class PgSegmentVersionStore implements SegmentVersionStore {
  constructor(
    private readonly pool: pg.Pool,
    /**
     * Told once a segment's current version changed (appended or discarded), after the write:
     * the recipe index re-embeds it. Its failure is its own; the version stays written.
     */
    private readonly onChanged: (
      tenant: string,
      segmentId: string,
    ) => Promise<void> = async () => {},
  ) {}

  private async lineage(
    tenant: string,
    where: string,
    value: string,
  ): Promise<SavedLineage | null> {
    const { rows } = await this.pool.query<{ id: string; lineage_id: string; name: string | null }>(
      `select id, lineage_id, name from app.segments where tenant_id = $1 and ${where} = $2`,
      [tenant, value],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      segmentId: row.id,
      lineageId: row.lineage_id,
      name: row.name ?? "",
      versions: await listVersions(this.pool, tenant, row.id),
    };
  }

  byLineage(tenant: string, lineageId: string): Promise<SavedLineage | null> {
    return this.lineage(tenant, "lineage_id", lineageId);
  }

  byId(tenant: string, segmentId: string): Promise<SavedLineage | null> {
    return this.lineage(tenant, "id", segmentId);
  }

  async appendVersion(
    tenant: string,
    segmentId: string,
    entry: VersionEntry,
    by: { threadId: string; actor?: string; signal?: AbortSignal },
  ): Promise<void> {
    await appendVersion(this.pool, tenant, segmentId, entry, {
      threadId: by.threadId,
      by: by.actor ?? `thread:${by.threadId}`,
      ...(by.signal ? { signal: by.signal } : {}),
    });
    await this.onChanged(tenant, segmentId);
  }

  async discardUnrecorded(
    tenant: string,
    lineageId: string,
    by: { threadId: string; keepThrough: number },
  ): Promise<number[]> {
    const discarded = await discardUnrecordedVersions(this.pool, tenant, lineageId, by);
    if (discarded.length > 0) {
      const saved = await this.byLineage(tenant, lineageId);
      if (saved) await this.onChanged(tenant, saved.segmentId);
    }
    return discarded;
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

/** The tenant's segments of these ids that exist, in no particular order. */
export async function segmentsByIds(
  db: Queryable,
  tenantId: string,
  ids: readonly string[],
): Promise<SegmentRecord[]> {
  const uuids = ids.filter((id) => UUID.test(id));
  if (uuids.length === 0) return [];
  const { rows } = await db.query<Row>(
    `${SELECT} where s.tenant_id = $1 and s.id = any($2::uuid[])`,
    [tenantId, uuids],
  );
  return rows.map(toRecord);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Deletes the tenant's segment with its versions (and, by cascade, its feedback), recording
 * the deletion in the audit trail in the same transaction; false when there was none.
 */
export async function deleteSegment(
  pool: pg.Pool,
  tenantId: string,
  id: string,
  by: { actor?: string; requestId?: string } = {},
): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ name: string | null; thread_id: string | null }>(
      "delete from app.segments where id = $1 and tenant_id = $2 returning name, thread_id",
      [id, tenantId],
    );
    const row = rows[0];
    if (!row) return false;
    await appendAudit(client, {
      tenantId,
      threadId: row.thread_id,
      event: "segment.deleted",
      detail: {
        segmentId: id,
        name: row.name,
        by: by.actor ?? null,
        requestId: by.requestId ?? null,
      },
    });
    return true;
  });
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
