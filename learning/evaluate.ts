/**
 * A candidate's evaluation, by execution, the tenant's current glossary against the glossary
 * with the candidate applied:
 * - targets: each corrected request re-run; it passes when its members equal the segment the
 *   user ended with;
 * - the eval sets: every case of the tenant, scored as `npm run eval` scores it; a case that
 *   passed and fails with the candidate is a regression;
 * - replay: every saved segment's request; one whose members change is a regression, unless
 *   its conversation is one the candidate learns from.
 * Promotable only with no regression and at least one target gained (none lost).
 *
 * A glossary candidate acts only through its words: its phrases where they occur (whole, on
 * word boundaries), and the words new to the tenant's vocabulary through the scope check
 * (the word itself) and the speller (which rewrites an unknown word of five letters or more
 * to a known one at most two edits away, skills/rules/spelling.ts). A text that, as written
 * and as either speller corrects it, holds no phrase of the candidate, no new word and no
 * word of five letters or more within two edits of one reads the same either way: only the
 * other texts are re-run (`allCases` re-runs everything).
 */
import levenshtein from "damerau-levenshtein";
import { runCase } from "../evals/runner.ts";
import { selectSets } from "../evals/run.ts";
import { runRequest } from "../runtime/run.ts";
import type { Services } from "../runtime/services.ts";
import type { TenantConfig } from "../state/catalog.ts";
import { glossaryWords } from "../skills/rules/spelling.ts";
import { tokenize } from "../skills/rules/text.ts";
import { skillContextFor } from "../state/context.ts";
import { compileSegment } from "../warehouse/compile.ts";
import { applyProposal, type LearnableCorrection, type Proposal } from "./candidates.ts";

type Glossary = TenantConfig["glossary"];
type Outcome = "pass" | "fail" | "skipped";

export interface SetDelta {
  set: string;
  cases: number;
  /** Cases run twice (the others cannot be affected, see the module comment). */
  rerun: number;
  passedBefore: number;
  passedAfter: number;
  regressions: string[];
  gains: string[];
}

export interface TargetResult {
  correctionId: string;
  request: string;
  goldSize: number;
  before: { pass: boolean; status: string; size: number | null };
  after: { pass: boolean; status: string; size: number | null };
}

export interface Evaluation {
  proposal: Proposal;
  /** The glossary version the candidate was evaluated against. */
  glossaryVersion: number | null;
  targets: TargetResult[];
  sets: SetDelta[];
  replay: { segments: number; rerun: number; regressions: string[] };
  verdict: "promote" | "reject";
  reasons: string[];
  ms: number;
}

export interface EvaluateOptions {
  /** Where the tenant's own dev set is (ONLINE_RETAIL_DIR). */
  onlineRetailDir: string;
  /** Eval sets to run (default every set with cases of the tenant). */
  sets?: string[];
  /** Re-run every case and saved segment, not only the ones the candidate's words reach. */
  allCases?: boolean;
  onProgress?: (msg: string) => void;
}

/** What the candidate adds: its phrases (term, aliases) and the words new to the vocabulary. */
export interface Reach {
  phrases: string[];
  newWords: string[];
}

export function reachOf(p: Proposal, known: (word: string) => boolean): Reach {
  const phrases = (p.kind === "glossary" ? [p.entry.term, ...p.entry.aliases] : [p.alias]).map(
    (t) => t.trim().toLowerCase(),
  );
  const words = phrases.flatMap((t) => tokenize(t).filter((x) => x.kind === "word"));
  return { phrases, newWords: [...new Set(words.map((w) => w.lower))].filter((w) => !known(w)) };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether the candidate can change how `text` reads (see the module comment). */
export function mayBeAffected(text: string, reach: Reach): boolean {
  const lower = text.toLowerCase();
  const phrase = reach.phrases.some((p) =>
    new RegExp(`(?<![\\p{L}\\d-])${escapeRegExp(p)}(?![\\p{L}\\d-])`, "u").test(lower),
  );
  if (phrase) return true;
  const tokens = tokenize(lower).filter((t) => t.kind === "word");
  return tokens.some((t) =>
    reach.newWords.some(
      (w) => t.lower === w || (t.lower.length >= 5 && levenshtein(t.lower, w).steps <= 2),
    ),
  );
}

/**
 * The texts to re-run: those the candidate may affect as written, or as the speller of
 * either glossary rewrites them (a typo of the term is corrected into it).
 */
function reachFilter(base: Services, patched: Services, tenant: string, reach: Reach) {
  const screened = async (services: Services, text: string) => {
    const runtime = services.tenants.get(tenant)!;
    const ctx = skillContextFor(services.context, tenant, runtime.config.asOf);
    const r = await services.context.skills.perceive.screen(text, { ...ctx, maxChars: 100_000 });
    return r.text;
  };
  return async (text: string): Promise<boolean> =>
    mayBeAffected(text, reach) ||
    mayBeAffected(await screened(base, text), reach) ||
    mayBeAffected(await screened(patched, text), reach);
}

/** The services with the tenant's glossary replaced (the stored config is untouched). */
export function withGlossary(services: Services, tenant: string, glossary: Glossary): Services {
  const tenants = new Map(services.tenants);
  const runtime = tenants.get(tenant);
  if (!runtime) throw new Error(`unknown tenant ${tenant}`);
  tenants.set(tenant, { ...runtime, config: { ...runtime.config, glossary } });
  return {
    ...services,
    tenants,
    context: { ...services.context, tenant: (id) => tenants.get(id) },
  };
}

const sameMembers = (a: readonly string[], b: ReadonlySet<string>) =>
  a.length === b.size && a.every((m) => b.has(m));

async function runTarget(services: Services, tenant: string, c: LearnableCorrection) {
  const r = await runRequest(services, {
    tenant,
    asOf: c.target!.asOf,
    request: c.request!,
    members: true,
  });
  return { status: r.status, size: r.size, members: r.status === "ok" ? (r.members ?? []) : [] };
}

async function evaluateTargets(
  base: Services,
  patched: Services,
  tenant: string,
  corrections: readonly LearnableCorrection[],
): Promise<TargetResult[]> {
  const binding = base.tenants.get(tenant)!.binding;
  const out: TargetResult[] = [];
  for (const c of corrections) {
    if (!c.request || !c.target) continue;
    const gold = new Set(await base.warehouse.members(compileSegment(c.target.root, binding)));
    const before = await runTarget(base, tenant, c);
    const after = await runTarget(patched, tenant, c);
    const score = (r: typeof before) => ({
      pass: r.status === "ok" && sameMembers(r.members, gold),
      status: r.status,
      size: r.size,
    });
    out.push({
      correctionId: c.id,
      request: c.request,
      goldSize: gold.size,
      before: score(before),
      after: score(after),
    });
  }
  return out;
}

function caseText(c: { turns: object[] }): string {
  return c.turns
    .map((t) => Object.values(t).filter((v): v is string => typeof v === "string"))
    .flat()
    .join(" ");
}

async function evaluateSets(
  base: Services,
  patched: Services,
  tenant: string,
  affected: (text: string) => Promise<boolean>,
  opts: EvaluateOptions,
): Promise<SetDelta[]> {
  const out: SetDelta[] = [];
  for (const set of selectSets(base, opts.onlineRetailDir, { sets: opts.sets })) {
    const cases = set.cases.filter((c) => c.tenant === tenant);
    const rerun: typeof cases = [];
    for (const c of cases) if (opts.allCases || (await affected(caseText(c)))) rerun.push(c);
    const delta: SetDelta = {
      set: set.name,
      cases: cases.length,
      rerun: rerun.length,
      passedBefore: 0,
      passedAfter: 0,
      regressions: [],
      gains: [],
    };
    for (const c of rerun) {
      const before: Outcome = (await runCase(base, set.name, c)).outcome;
      const after: Outcome = (await runCase(patched, set.name, c)).outcome;
      if (before === "pass") delta.passedBefore++;
      if (after === "pass") delta.passedAfter++;
      if (before === "pass" && after !== "pass") delta.regressions.push(c.id);
      if (before !== "pass" && after === "pass") delta.gains.push(c.id);
    }
    if (rerun.length) opts.onProgress?.(`${set.name}: ${rerun.length} of ${cases.length} re-run`);
    out.push(delta);
  }
  return out;
}

/** Saved segments whose reading the candidate changes (their members), outside its targets. */
async function evaluateReplay(
  base: Services,
  patched: Services,
  tenant: string,
  affected: (text: string) => Promise<boolean>,
  learntFrom: ReadonlySet<string>,
  opts: EvaluateOptions,
): Promise<Evaluation["replay"]> {
  const { rows } = await base.db.pool.query<{
    id: string;
    request: string;
    as_of: string;
    thread_id: string | null;
  }>(
    `select id, request, definition->>'asOf' as as_of, thread_id from app.segments
      where tenant_id = $1 order by created_at, id`,
    [tenant],
  );
  const rerun: typeof rows = [];
  for (const r of rows)
    if (!learntFrom.has(r.thread_id ?? "") && (opts.allCases || (await affected(r.request))))
      rerun.push(r);
  const regressions: string[] = [];
  for (const r of rerun) {
    const input = { tenant, asOf: r.as_of, request: r.request, members: true };
    const before = await runRequest(base, input);
    const after = await runRequest(patched, input);
    const same =
      before.status === after.status &&
      sameMembers(after.members ?? [], new Set(before.members ?? []));
    if (!same) regressions.push(r.id);
  }
  return { segments: rows.length, rerun: rerun.length, regressions };
}

/** Evaluates one candidate against the tenant's current glossary. */
export async function evaluateCandidate(
  services: Services,
  tenant: string,
  candidate: { proposal: Proposal; corrections: readonly LearnableCorrection[]; threads: string[] },
  opts: EvaluateOptions,
): Promise<Evaluation> {
  const started = performance.now();
  const runtime = services.tenants.get(tenant);
  if (!runtime) throw new Error(`unknown tenant ${tenant}`);
  const patched = withGlossary(
    services,
    tenant,
    applyProposal(runtime.config.glossary, candidate.proposal),
  );
  const known = (w: string) =>
    runtime.speller.isKnown(w) || glossaryWords(runtime.config.glossary).has(w);
  const affected = reachFilter(services, patched, tenant, reachOf(candidate.proposal, known));
  opts.onProgress?.("re-running the corrected requests");
  const targets = await evaluateTargets(services, patched, tenant, candidate.corrections);
  const sets = await evaluateSets(services, patched, tenant, affected, opts);
  opts.onProgress?.("replaying saved segments");
  const replay = await evaluateReplay(
    services,
    patched,
    tenant,
    affected,
    new Set(candidate.threads),
    opts,
  );
  const reasons: string[] = [];
  const gained = targets.filter((t) => !t.before.pass && t.after.pass).length;
  const lost = targets.filter((t) => t.before.pass && !t.after.pass).length;
  const regressions = sets.flatMap((s) => s.regressions.map((id) => `${s.set}/${id}`));
  if (gained === 0) reasons.push("no corrected request is understood better");
  if (lost) reasons.push(`${lost} corrected request(s) understood worse`);
  if (regressions.length) reasons.push(`eval regressions: ${regressions.join(", ")}`);
  if (replay.regressions.length)
    reasons.push(`saved segments read differently: ${replay.regressions.join(", ")}`);
  return {
    proposal: candidate.proposal,
    glossaryVersion: runtime.config.glossaryVersion ?? null,
    targets,
    sets,
    replay,
    verdict: reasons.length ? "reject" : "promote",
    reasons,
    ms: Math.round(performance.now() - started),
  };
}
