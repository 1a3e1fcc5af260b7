/**
 * The learning loop: corrections → candidates → evaluation → promotion (or rejection), and
 * rollback. A promotion writes a new glossary version through the skills registry
 * (storage/registry.ts), applies it to this process's tenant at once and to other processes
 * through the tenant row's updated_at, and leaves an audit record; a rollback makes an
 * earlier version active again and marks the candidates promoted after it rolled back.
 */
import type { Services } from "../runtime/services.ts";
import { skillContextFor } from "../state/context.ts";
import { appendAudit } from "../storage/audit.ts";
import {
  getCandidate,
  learnableCorrections,
  listCandidates,
  markPromoted,
  markRolledBack,
  saveEvaluation,
  upsertCandidates,
  type CandidateRecord,
} from "../storage/candidates.ts";
import {
  listVersions,
  setGlossary,
  StaleGlossaryError,
  type ArtefactVersion,
} from "../storage/registry.ts";
import { applyProposal, candidatesFrom, type Skipped } from "./candidates.ts";
import { evaluateCandidate, type EvaluateOptions, type Evaluation } from "./evaluate.ts";

export class ImproveError extends Error {}

/** The gate refused the candidate: its evaluation says why. */
export class NotPromotedError extends ImproveError {
  constructor(
    id: string,
    readonly evaluation: Evaluation,
  ) {
    super(`Candidate ${id} is not promoted: ${evaluation.reasons.join("; ")}.`);
  }
}

function runtimeOf(services: Services, tenant: string) {
  const runtime = services.tenants.get(tenant);
  if (!runtime) throw new ImproveError(`Unknown tenant "${tenant}".`);
  return runtime;
}

/** New corrections become candidates; every candidate of the tenant, and what was skipped. */
export async function refreshCandidates(
  services: Services,
  tenant: string,
): Promise<{ candidates: CandidateRecord[]; skipped: Skipped[] }> {
  const runtime = runtimeOf(services, tenant);
  const corrections = await learnableCorrections(services.db.pool, tenant);
  const ctx = skillContextFor(services.context, tenant, runtime.config.asOf);
  // Each correction is read at the as-of date its request ran at.
  const { candidates, skipped } = candidatesFrom(corrections, (c) =>
    c.target ? { ...ctx, dates: { ...ctx.dates, asOf: c.target.asOf } } : ctx,
  );
  await upsertCandidates(services.db.pool, tenant, candidates);
  return {
    candidates: await listCandidates(services.db.pool, tenant),
    skipped,
  };
}

/** Evaluates a candidate against the current glossary and stores the result. */
export async function evaluate(
  services: Services,
  tenant: string,
  candidate: CandidateRecord,
  opts: EvaluateOptions,
): Promise<Evaluation> {
  const all = await learnableCorrections(services.db.pool, tenant);
  const ids = new Set(candidate.correctionIds);
  const corrections = all.filter((c) => ids.has(c.id));
  const evaluation = await evaluateCandidate(
    services,
    tenant,
    {
      proposal: candidate.proposal,
      corrections,
      threads: corrections.flatMap((c) => (c.threadId ? [c.threadId] : [])),
    },
    opts,
  );
  // A promoted or rolled-back candidate keeps its status; its evaluation is refreshed.
  const status =
    candidate.status === "promoted" || candidate.status === "rolled_back"
      ? candidate.status
      : evaluation.verdict === "promote"
        ? "proposed"
        : "rejected";
  await saveEvaluation(services.db.pool, tenant, candidate.id, evaluation, status);
  return evaluation;
}

export interface Promotion {
  candidate: string;
  version: number;
  previous: number | null;
  evaluation: Evaluation;
}

/**
 * Promotes a candidate: evaluated again against the glossary as it is now (an evaluation
 * made against an older version proves nothing), and refused unless it passes.
 */
export async function promote(
  services: Services,
  tenant: string,
  id: string,
  opts: EvaluateOptions & { by?: string },
): Promise<Promotion> {
  const runtime = runtimeOf(services, tenant);
  const candidate = await getCandidate(services.db.pool, tenant, id);
  if (!candidate) throw new ImproveError(`No candidate ${id} for tenant ${tenant}.`);
  if (candidate.status === "promoted")
    throw new ImproveError(
      `Candidate ${id} is already promoted (glossary version ${candidate.glossaryVersion}).`,
    );
  const evaluation = await evaluate(services, tenant, candidate, opts);
  if (evaluation.verdict !== "promote") throw new NotPromotedError(id, evaluation);
  // Applied to the stored glossary, and only if it is still the one just evaluated against.
  const set = await setGlossary(
    services.db.pool,
    tenant,
    {
      change: (glossary) => applyProposal(glossary, candidate.proposal),
      from: evaluation.glossaryVersion,
    },
    { reason: `promoted candidate ${id}`, by: opts.by },
  ).catch((err: unknown) => {
    if (err instanceof StaleGlossaryError) throw new ImproveError(err.message);
    throw err;
  });
  await markPromoted(services.db.pool, tenant, id, set.version);
  services.tenants.set(tenant, { ...runtime, config: set.config });
  await appendAudit(services.db.pool, {
    tenantId: tenant,
    event: "improvement.promoted",
    detail: {
      candidate: id,
      proposal: candidate.proposal,
      glossaryVersion: set.version,
      previousVersion: set.previous,
      targets: evaluation.targets.map((t) => ({ request: t.request, after: t.after.pass })),
      sets: evaluation.sets.map((s) => ({ set: s.set, rerun: s.rerun, gains: s.gains.length })),
      by: opts.by ?? null,
    },
  });
  return { candidate: id, version: set.version, previous: set.previous, evaluation };
}

/** Makes glossary version `version` active again; the candidates promoted after it roll back. */
export async function rollback(
  services: Services,
  tenant: string,
  version: number,
  opts: { by?: string } = {},
): Promise<{ version: number; previous: number | null; rolledBack: string[] }> {
  const runtime = runtimeOf(services, tenant);
  const set = await setGlossary(
    services.db.pool,
    tenant,
    { version },
    { reason: `rollback to ${version}`, by: opts.by },
  );
  const rolledBack = await markRolledBack(services.db.pool, tenant, version);
  services.tenants.set(tenant, { ...runtime, config: set.config });
  await appendAudit(services.db.pool, {
    tenantId: tenant,
    event: "improvement.rolled_back",
    detail: {
      glossaryVersion: version,
      previousVersion: set.previous,
      rolledBack,
      by: opts.by ?? null,
    },
  });
  return { version, previous: set.previous, rolledBack };
}

export function glossaryVersions(services: Services, tenant: string): Promise<ArtefactVersion[]> {
  runtimeOf(services, tenant);
  return listVersions(services.db.pool, tenant, "glossary");
}
