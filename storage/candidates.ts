/**
 * The learning loop's storage (migration 0007): corrections with what they need to be
 * replayed, and the candidates learnt from them with their last evaluation and status.
 */
import type { Candidate, LearnableCorrection, Proposal } from "../learning/candidates.ts";
import { SegmentDefinition } from "../state/segment.ts";
import type { Queryable } from "./audit.ts";

export type CandidateStatus = "proposed" | "promoted" | "rejected" | "rolled_back";

export interface CandidateRecord extends Candidate {
  id: string;
  status: CandidateStatus;
  /** The last evaluation (learning/evaluate.ts), null before the first. */
  evaluation: unknown;
  evaluatedAt: Date | null;
  /** The glossary version its promotion made. */
  glossaryVersion: number | null;
  createdAt: Date;
}

/** The tenant's corrections, oldest first, with their request and target segment. */
export async function learnableCorrections(
  db: Queryable,
  tenant: string,
): Promise<LearnableCorrection[]> {
  const { rows } = await db.query<{
    id: string;
    phrase: string;
    was: LearnableCorrection["was"];
    meant: LearnableCorrection["meant"];
    thread_id: string | null;
    request: string | null;
    target: unknown;
  }>(
    `select id, phrase, was, meant, thread_id, request, target from app.corrections
      where tenant_id = $1 order by created_at, id`,
    [tenant],
  );
  return rows.map((r) => {
    const target = r.target ? SegmentDefinition.safeParse(r.target) : null;
    return {
      id: r.id,
      phrase: r.phrase,
      was: r.was,
      meant: r.meant,
      threadId: r.thread_id,
      request: r.request,
      target: target?.success ? target.data : null,
    };
  });
}

/** Records new candidates and adds new corrections to known ones; the tenant's candidates. */
export async function upsertCandidates(
  db: Queryable,
  tenant: string,
  candidates: readonly Candidate[],
): Promise<void> {
  for (const c of candidates) {
    await db.query(
      `insert into app.improvement_candidates (tenant_id, kind, phrase, proposal, correction_ids)
       values ($1, $2, $3, $4::jsonb, $5::uuid[])
       on conflict (tenant_id, kind, phrase, proposal) do update
         set correction_ids = (select array_agg(distinct x) from unnest(
               app.improvement_candidates.correction_ids || excluded.correction_ids) x),
             updated_at = now()
         where not (app.improvement_candidates.correction_ids @> excluded.correction_ids)`,
      [tenant, c.proposal.kind, c.phrase, JSON.stringify(c.proposal), c.correctionIds],
    );
  }
}

interface Row {
  id: string;
  phrase: string;
  proposal: Proposal;
  correction_ids: string[];
  status: CandidateStatus;
  evaluation: unknown;
  evaluated_at: Date | null;
  glossary_version: number | null;
  created_at: Date;
}

const COLUMNS =
  "id, phrase, proposal, correction_ids, status, evaluation, evaluated_at, glossary_version, created_at";

function toRecord(r: Row): CandidateRecord {
  return {
    id: r.id,
    phrase: r.phrase,
    proposal: r.proposal,
    correctionIds: r.correction_ids,
    status: r.status,
    evaluation: r.evaluation,
    evaluatedAt: r.evaluated_at,
    glossaryVersion: r.glossary_version,
    createdAt: r.created_at,
  };
}

export async function listCandidates(db: Queryable, tenant: string): Promise<CandidateRecord[]> {
  const { rows } = await db.query<Row>(
    `select ${COLUMNS} from app.improvement_candidates where tenant_id = $1
      order by created_at, id`,
    [tenant],
  );
  return rows.map(toRecord);
}

/** A candidate of this tenant (another tenant's id is not found). */
export async function getCandidate(
  db: Queryable,
  tenant: string,
  id: string,
): Promise<CandidateRecord | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const { rows } = await db.query<Row>(
    `select ${COLUMNS} from app.improvement_candidates where tenant_id = $1 and id = $2`,
    [tenant, id],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function saveEvaluation(
  db: Queryable,
  tenant: string,
  id: string,
  evaluation: unknown,
  status: CandidateStatus,
): Promise<void> {
  await db.query(
    `update app.improvement_candidates
        set evaluation = $3::jsonb, evaluated_at = now(), status = $4, updated_at = now()
      where tenant_id = $1 and id = $2`,
    [tenant, id, JSON.stringify(evaluation), status],
  );
}

export async function markPromoted(
  db: Queryable,
  tenant: string,
  id: string,
  glossaryVersion: number,
): Promise<void> {
  await db.query(
    `update app.improvement_candidates
        set status = 'promoted', glossary_version = $3, updated_at = now()
      where tenant_id = $1 and id = $2`,
    [tenant, id, glossaryVersion],
  );
}

/** Candidates promoted into a glossary version after `version`: a rollback undoes them. */
export async function markRolledBack(
  db: Queryable,
  tenant: string,
  version: number,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `update app.improvement_candidates set status = 'rolled_back', updated_at = now()
      where tenant_id = $1 and status = 'promoted' and glossary_version > $2 returning id`,
    [tenant, version],
  );
  return rows.map((r) => r.id);
}
