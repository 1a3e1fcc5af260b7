/**
 * Feedback on a turn or a saved segment (`app.feedback`, migration 0006), and the corrections
 * a corrected segment in it teaches (`app.corrections`, source `feedback`).
 */
import type { Correction, CorrectionContext } from "../state/memory.ts";
import type { RuleNode } from "../state/segment.ts";
import type { Queryable } from "./audit.ts";

export interface NewFeedback {
  tenantId: string;
  userId: string | null;
  threadId: string | null;
  turn: number | null;
  segmentId: string | null;
  version: number | null;
  rating: "up" | "down";
  reason: string | null;
  corrected: RuleNode | null;
}

export interface FeedbackRecord {
  id: string;
  createdAt: Date;
}

export async function insertFeedback(db: Queryable, f: NewFeedback): Promise<FeedbackRecord> {
  const { rows } = await db.query<{ id: string; created_at: Date }>(
    `insert into app.feedback (tenant_id, user_id, thread_id, turn, segment_id, version, rating, reason, corrected)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id, created_at`,
    [
      f.tenantId,
      f.userId,
      f.threadId,
      f.turn,
      f.segmentId,
      f.version,
      f.rating,
      f.reason,
      f.corrected ? JSON.stringify(f.corrected) : null,
    ],
  );
  return { id: rows[0]!.id, createdAt: rows[0]!.created_at };
}

export async function insertCorrections(
  db: Queryable,
  at: { tenantId: string; userId: string | null; threadId: string | null },
  corrections: Correction[],
  source: "edit" | "feedback",
  context?: CorrectionContext,
): Promise<void> {
  for (const c of corrections) {
    await db.query(
      `insert into app.corrections (tenant_id, user_id, thread_id, phrase, was, meant, was_text, meant_text, source,
                                    request, as_of, target)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        at.tenantId,
        at.userId,
        at.threadId,
        c.phrase,
        c.was ? JSON.stringify(c.was) : null,
        c.meant ? JSON.stringify(c.meant) : null,
        c.was?.description ?? null,
        c.meant?.description ?? null,
        source,
        context?.request ?? null,
        context?.target.asOf ?? null,
        context ? JSON.stringify(context.target) : null,
      ],
    );
  }
}

export interface CorrectionRow extends Correction {
  id: string;
  source: "edit" | "feedback";
  threadId: string | null;
  createdAt: Date;
}

/** The tenant's corrections, newest first. */
export async function listCorrections(
  db: Queryable,
  tenantId: string,
  limit = 100,
): Promise<CorrectionRow[]> {
  const { rows } = await db.query<{
    id: string;
    phrase: string;
    was: Correction["was"];
    meant: Correction["meant"];
    source: "edit" | "feedback";
    thread_id: string | null;
    created_at: Date;
  }>(
    `select id, phrase, was, meant, source, thread_id, created_at from app.corrections
     where tenant_id = $1 order by created_at desc, id limit $2`,
    [tenantId, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    phrase: r.phrase,
    was: r.was,
    meant: r.meant,
    source: r.source,
    threadId: r.thread_id,
    createdAt: r.created_at,
  }));
}
