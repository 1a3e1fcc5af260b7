/**
 * Memory in Postgres (migration 0006): remembered answers, preferences, recent segments and
 * corrections, per tenant and per user (`user_id` '' is the whole tenant). Every statement
 * names the tenant, so nothing of one tenant is read, changed or erased through another.
 * Preferences and the recent segments are read through a short-term cache (memory-cache.ts).
 */
import {
  Preferences,
  type Correction,
  type CorrectionContext,
  type MemoryStore,
  type MemorySubject,
  type RecentSegment,
  type RememberedAnswer,
} from "../state/memory.ts";
import type { Queryable } from "./audit.ts";
import { insertCorrections } from "./feedback.ts";
import type { SubjectCache } from "./memory-cache.ts";

/** How many recent segments the recall keeps per user. */
export const RECENT_SEGMENTS = 20;

interface AnswerRow {
  id: string;
  user_id: string;
  question_key: string;
  term: string;
  question: string;
  answer: string;
  thread_id: string | null;
  updated_at: Date;
}

interface RecentRow {
  id: string;
  thread_id: string;
  version: number;
  request: string;
  size: number | null;
  explanation: string[];
  created_at: Date;
}

function toAnswer(row: AnswerRow): RememberedAnswer {
  return {
    id: row.id,
    scope: row.user_id === "" ? "tenant" : "user",
    key: row.question_key,
    term: row.term,
    question: row.question,
    answer: row.answer,
    threadId: row.thread_id,
    updatedAt: row.updated_at.toISOString(),
  };
}

function toRecent(row: RecentRow): RecentSegment {
  return {
    id: row.id,
    threadId: row.thread_id,
    version: row.version,
    request: row.request,
    size: row.size,
    explanation: row.explanation,
    createdAt: row.created_at.toISOString(),
  };
}

const ANSWER_COLUMNS = "id, user_id, question_key, term, question, answer, thread_id, updated_at";
const RECENT_COLUMNS = "id, thread_id, version, request, size, explanation, created_at";

/** Everything remembered for a subject, as `GET /v1/memory` shows it. */
export interface MemoryView {
  user: string | null;
  answers: RememberedAnswer[];
  preferences: { user: Preferences; tenant: Preferences; effective: Preferences };
  recent: RecentSegment[];
}

export class PgMemoryStore implements MemoryStore {
  constructor(
    private readonly db: Queryable,
    private readonly cache: SubjectCache,
  ) {}

  private cacheKey(tenant: string, user: string): string {
    return JSON.stringify([tenant, user]);
  }

  async answerFor(subject: MemorySubject, key: string): Promise<RememberedAnswer | null> {
    // The user's own answer wins over the tenant's ('' sorts first, so order by it descending).
    const { rows } = await this.db.query<AnswerRow>(
      `select ${ANSWER_COLUMNS} from app.memory_answers
       where tenant_id = $1 and question_key = $2 and user_id in ('', $3)
       order by user_id desc limit 1`,
      [subject.tenant, key, subject.user ?? ""],
    );
    return rows[0] ? toAnswer(rows[0]) : null;
  }

  async rememberAnswer(
    subject: MemorySubject,
    scope: "user" | "tenant",
    entry: { key: string; term: string; question: string; answer: string; threadId: string },
  ): Promise<void> {
    const user = scope === "tenant" ? "" : subject.user;
    if (user === null) return;
    await this.db.query(
      `insert into app.memory_answers (tenant_id, user_id, question_key, term, question, answer, thread_id)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (tenant_id, user_id, question_key) do update
         set term = excluded.term, question = excluded.question, answer = excluded.answer,
             thread_id = excluded.thread_id, updated_at = now()`,
      [subject.tenant, user, entry.key, entry.term, entry.question, entry.answer, entry.threadId],
    );
  }

  /** One subject's own preferences (the tenant's for user ''), through the cache. */
  private async ownPreferences(tenant: string, user: string): Promise<Preferences> {
    const ck = this.cacheKey(tenant, user);
    const cached = Preferences.safeParse(await this.cache.get(ck, "preferences"));
    if (cached.success) return cached.data;
    const { rows } = await this.db.query<{ preferences: unknown }>(
      "select preferences from app.memory_preferences where tenant_id = $1 and user_id = $2",
      [tenant, user],
    );
    // A row written by an older schema that no longer parses is no preference, not an error.
    const parsed = Preferences.safeParse(rows[0]?.preferences ?? {});
    const prefs = parsed.success ? parsed.data : {};
    await this.cache.set(ck, "preferences", prefs);
    return prefs;
  }

  async preferences(subject: MemorySubject): Promise<Preferences> {
    const tenant = await this.ownPreferences(subject.tenant, "");
    if (!subject.user) return tenant;
    return { ...tenant, ...(await this.ownPreferences(subject.tenant, subject.user)) };
  }

  async setPreferences(tenant: string, user: string | null, prefs: Preferences): Promise<void> {
    await this.db.query(
      `insert into app.memory_preferences (tenant_id, user_id, preferences) values ($1, $2, $3)
       on conflict (tenant_id, user_id) do update set preferences = excluded.preferences, updated_at = now()`,
      [tenant, user ?? "", JSON.stringify(prefs)],
    );
    await this.cache.drop(this.cacheKey(tenant, user ?? ""));
  }

  async recordSegment(
    subject: MemorySubject,
    segment: Omit<RecentSegment, "id" | "createdAt">,
  ): Promise<void> {
    if (!subject.user) return;
    await this.db.query(
      `insert into app.memory_segments (tenant_id, user_id, thread_id, version, request, size, explanation)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
      [
        subject.tenant,
        subject.user,
        segment.threadId,
        segment.version,
        segment.request,
        segment.size,
        JSON.stringify(segment.explanation),
      ],
    );
    // Only the newest RECENT_SEGMENTS are recalled; older rows are not kept.
    await this.db.query(
      `delete from app.memory_segments where tenant_id = $1 and user_id = $2 and id not in (
         select id from app.memory_segments where tenant_id = $1 and user_id = $2
         order by created_at desc, id limit ${RECENT_SEGMENTS})`,
      [subject.tenant, subject.user],
    );
    await this.cache.drop(this.cacheKey(subject.tenant, subject.user));
  }

  /** The user's recent segments, newest first, through the cache. */
  async recent(tenant: string, user: string | null): Promise<RecentSegment[]> {
    if (!user) return [];
    const ck = this.cacheKey(tenant, user);
    const cached = await this.cache.get(ck, "recent");
    if (Array.isArray(cached)) return cached as RecentSegment[];
    const { rows } = await this.db.query<RecentRow>(
      `select ${RECENT_COLUMNS} from app.memory_segments where tenant_id = $1 and user_id = $2
       order by created_at desc, id limit ${RECENT_SEGMENTS}`,
      [tenant, user],
    );
    const recent = rows.map(toRecent);
    await this.cache.set(ck, "recent", recent);
    return recent;
  }

  async recordCorrections(
    subject: MemorySubject,
    threadId: string,
    corrections: Correction[],
    context?: CorrectionContext,
  ): Promise<void> {
    const at = { tenantId: subject.tenant, userId: subject.user, threadId };
    await insertCorrections(this.db, at, corrections, "edit", context);
  }

  /** What is remembered for the user (their own and the tenant's shared entries). */
  async view(tenant: string, user: string | null): Promise<MemoryView> {
    const { rows } = await this.db.query<AnswerRow>(
      `select ${ANSWER_COLUMNS} from app.memory_answers where tenant_id = $1 and user_id in ('', $2)
       order by updated_at desc, id`,
      [tenant, user ?? ""],
    );
    const own = user ? await this.ownPreferences(tenant, user) : {};
    const shared = await this.ownPreferences(tenant, "");
    return {
      user,
      answers: rows.map(toAnswer),
      preferences: { user: own, tenant: shared, effective: { ...shared, ...own } },
      recent: await this.recent(tenant, user),
    };
  }

  /**
   * Erases what is remembered: the user's own answers, preferences and recent segments, or,
   * with scope `tenant`, the tenant's shared answers and preferences. Returns rows erased.
   */
  async erase(tenant: string, user: string | null, scope: "user" | "tenant"): Promise<number> {
    const who = scope === "tenant" ? "" : user;
    if (who === null) return 0;
    let erased = 0;
    for (const table of ["memory_answers", "memory_preferences", "memory_segments"]) {
      const { rowCount } = await this.db.query(
        `delete from app.${table} where tenant_id = $1 and user_id = $2`,
        [tenant, who],
      );
      erased += rowCount ?? 0;
    }
    await this.cache.drop(this.cacheKey(tenant, who));
    return erased;
  }

  /** Erases one remembered answer or recent segment by id; false when the user has none such. */
  async eraseEntry(tenant: string, user: string | null, id: string): Promise<boolean> {
    for (const table of ["memory_answers", "memory_segments"]) {
      const { rows } = await this.db.query<{ user_id: string }>(
        `delete from app.${table} where id = $1 and tenant_id = $2 and user_id in ('', $3)
         returning user_id`,
        [id, tenant, user ?? ""],
      );
      if (rows[0]) {
        await this.cache.drop(this.cacheKey(tenant, rows[0].user_id));
        return true;
      }
    }
    return false;
  }
}
