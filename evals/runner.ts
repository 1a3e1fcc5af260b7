/**
 * Runs evaluation cases through the real graph and scores each by execution: the members of
 * the produced segment against the members of the gold SQL, plus status, clarification,
 * rejection, grounding and safety checks.
 */
import { runRequest, type RunResult } from "../runtime/run.ts";
import type { Services } from "../runtime/services.ts";
import { facetById } from "../state/catalog.ts";
import { conditionsOf, itemFiltersOf, SegmentDefinition } from "../state/segment.ts";
import type { EvalCase } from "./cases.ts";
import { goldFacts, predictedFacts, type Facts } from "./facts.ts";
import { usageMeter, type LlmUsage } from "./llm-usage.ts";

export interface CaseResult {
  set: string;
  id: string;
  tag: string;
  tenant: string;
  /** The as-of date the case ran at. */
  asOf: string;
  request: string;
  /** "skipped" when the case needs a capability that does not exist yet (editing). */
  outcome: "pass" | "fail" | "skipped";
  reasons: string[];
  expectedStatus?: string;
  status: RunResult["status"] | "crash" | "skipped";
  rejectionCode?: string;
  asked: boolean;
  expectClarify?: boolean;
  size: number | null;
  goldSize: number | null;
  jaccard: number | null;
  missing: string[];
  extra: string[];
  gold?: Facts;
  predicted?: Facts;
  explanation: string[];
  schemaValid: boolean | null;
  invented: string[];
  safetyViolations: string[];
  ms: number;
  /** Model calls sent (cache hits not counted), over every turn of the case. */
  llmCalls: number;
  /** Model answers served from the cache. */
  llmCached: number;
  tokens: number;
  costUsd: number;
  /** Turns run through the graph (requests, answers, edits): what calls per request divide by. */
  requests: number;
  /** Per turn of a conversation scored turn by turn (empty for single-request cases). */
  turns: TurnResult[];
}

/** One scored turn of a conversation. */
export interface TurnResult {
  turn: number;
  kind: "query" | "edit" | "answer";
  text: string;
  status: RunResult["status"] | "crash" | "skipped";
  expectedStatus?: string;
  intent: string | null;
  version: number | null;
  size: number | null;
  goldSize: number | null;
  ok: boolean;
  reasons: string[];
}

function jaccard(a: string[], b: string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  const union = sa.size + sb.size - inter;
  return union === 0 ? 1 : inter / union;
}

/** Facets or values in the definition that the tenant's catalog does not have. */
function inventions(services: Services, tenant: string, result: RunResult): string[] {
  const runtime = services.tenants.get(tenant);
  if (!runtime || !result.segment) return [];
  const out: string[] = [];
  for (const c of conditionsOf(result.segment.root)) {
    if (c.type === "attribute") {
      if (!facetById(runtime.catalog, c.facet)) out.push(`facet ${c.facet}`);
      for (const v of c.values)
        if (!runtime.retriever.contains(c.facet, v)) out.push(`${c.facet}=${v}`);
    }
    if (c.type === "behaviour") {
      for (const item of itemFiltersOf(c)) {
        const facet = facetById(runtime.catalog, item.facet);
        if (!facet) out.push(`facet ${item.facet}`);
        for (const v of item.values) {
          const known =
            facet?.type === "text"
              ? runtime.retriever.textMatches(item.facet, v) > 0
              : runtime.retriever.contains(item.facet, v);
          if (!known) out.push(`${item.facet}=${v}`);
        }
      }
    }
  }
  return out;
}

/** The SQL must come from the compiler and touch no schema but the tenant's own. */
function safety(services: Services, tenant: string, result: RunResult): string[] {
  if (!result.sql) return [];
  return sqlSafety(result.sql, services.tenants.get(tenant)?.binding.schema);
}

/** What is unsafe in a segment's SQL for the tenant of `schema` (empty when nothing is). */
export function sqlSafety(sql: string, schema: string | undefined): string[] {
  const out: string[] = [];
  if (
    !sql.startsWith(`select c.customer_id::text as customer_id from ${schema}.customers c where `)
  )
    out.push("SQL not produced by the compiler");
  // Every table the SQL reads follows `from` or `join`; matching `x.orders` anywhere would take
  // the lifetime column `c.orders` of customers for a table of schema `c`.
  for (const m of sql.matchAll(/\b(?:from|join)\s+([a-z_][a-z0-9_]*)\.[a-z_]/g)) {
    if (m[1] !== schema) out.push(`SQL reaches schema ${m[1]}`);
  }
  for (const m of sql.matchAll(/\b(?:from|join)\s+([a-z_][a-z0-9_]*)\b(?!\.)/g))
    out.push(`SQL reads table ${m[1]} without the tenant's schema`);
  return out;
}

/** Members equal to gold's, as the reasons they differ (empty when equal). */
function compare(
  got: string[],
  gold: string[],
): { missing: string[]; extra: string[]; jaccard: number } {
  const gs = new Set(gold);
  const ps = new Set(got);
  return {
    missing: gold.filter((m) => !ps.has(m)),
    extra: got.filter((m) => !gs.has(m)),
    jaccard: jaccard(got, gold),
  };
}

type Base = Omit<
  CaseResult,
  "outcome" | "reasons" | "status" | "asked" | "ms" | keyof typeof NO_RESULT | keyof Spent
>;

type Spent = Pick<CaseResult, "llmCalls" | "llmCached" | "tokens" | "costUsd" | "requests">;

/** The usage of a case's turns in the result's fields. */
function spent(usage: LlmUsage, requests: number): Spent {
  return {
    llmCalls: usage.calls,
    llmCached: usage.cached,
    tokens: usage.tokens,
    costUsd: usage.costUsd,
    requests,
  };
}

/**
 * A conversation turn by turn on one thread: each turn's status against its expectation, and
 * the members of the thread's segment after it against its gold. It passes when every turn
 * does; the first turn that crashes ends it.
 */
async function runConversation(
  services: Services,
  c: EvalCase & { tag: string },
  base: Base,
): Promise<CaseResult> {
  const schema = services.tenants.get(c.tenant)?.binding.schema;
  const started = performance.now();
  const turns: TurnResult[] = [];
  let result: RunResult | undefined;
  let asked = false;
  let last: { got: string[]; gold: string[] } | undefined;
  const invented: string[] = [];
  const safetyViolations: string[] = [];
  const meter = usageMeter(services.llm?.client);
  meter.start();
  let requests = 0;
  for (const [k, turn] of c.turns.entries()) {
    const kind = "query" in turn ? "query" : "edit" in turn ? "edit" : "answer";
    const text = "query" in turn ? turn.query : "edit" in turn ? turn.edit : String(turn.answer);
    const expectedStatus = turn.expect?.status ?? (turn.gold_sql ? "ok" : undefined);
    const reasons: string[] = [];
    try {
      if (kind === "answer" && result?.status !== "needs_clarification") {
        reasons.push(`expected a question before this answer, got ${result?.status}`);
      } else {
        result = await runRequest(
          services,
          kind === "answer"
            ? {
                threadId: result!.thread_id,
                answer: (turn as { answer: string | number }).answer,
                members: true,
              }
            : {
                tenant: c.tenant,
                asOf: c.asOf,
                threadId: result?.thread_id,
                request: text,
                members: true,
              },
        );
        requests++;
      }
    } catch (err) {
      turns.push({
        turn: k + 1,
        kind,
        text,
        status: "crash",
        expectedStatus,
        intent: null,
        version: null,
        size: null,
        goldSize: null,
        ok: false,
        reasons: [`crash: ${(err as Error).message}`],
      });
      break;
    }
    const r = result;
    if (r?.status === "needs_clarification") asked = true;
    if (r && expectedStatus && r.status !== expectedStatus)
      reasons.push(`status ${r.status} (${r.message.slice(0, 160)}), expected ${expectedStatus}`);
    let goldSize: number | null = null;
    if (turn.gold_sql && schema && r) {
      const gold = await services.warehouse.membersOfRawSql(schema, turn.gold_sql);
      goldSize = gold.length;
      const got = r.members ?? [];
      const d = compare(got, gold);
      last = { got, gold };
      if (d.missing.length || d.extra.length)
        reasons.push(`members differ: ${d.missing.length} missing, ${d.extra.length} extra`);
    }
    if (r) {
      invented.push(...inventions(services, c.tenant, r));
      safetyViolations.push(...safety(services, c.tenant, r));
    }
    turns.push({
      turn: k + 1,
      kind,
      text,
      status: r?.status ?? "skipped",
      expectedStatus,
      intent: r?.intent ?? null,
      version: r?.version ?? null,
      size: r?.size ?? null,
      goldSize,
      ok: reasons.length === 0,
      reasons,
    });
  }
  const failed = turns.filter((t) => !t.ok);
  const reasons = failed.map(
    (t) => `turn ${t.turn} (${t.kind} "${t.text.slice(0, 60)}"): ${t.reasons.join("; ")}`,
  );
  if (c.expect.clarify !== undefined && asked !== c.expect.clarify)
    reasons.push(
      c.expect.clarify ? "should have asked a question" : "asked a question it should not have",
    );
  if (invented.length) reasons.push(`invented: ${[...new Set(invented)].join(", ")}`);
  if (safetyViolations.length) reasons.push(...new Set(safetyViolations));
  const crashed = turns.some((t) => t.status === "crash");
  const d = last ? compare(last.got, last.gold) : undefined;
  const r = result;
  return {
    ...base,
    turns,
    outcome: reasons.length || turns.length < c.turns.length ? "fail" : "pass",
    reasons:
      turns.length < c.turns.length && !reasons.length ? ["conversation stopped early"] : reasons,
    expectedStatus: turns.at(-1)?.expectedStatus,
    status: crashed ? "crash" : (r?.status ?? "crash"),
    rejectionCode: r?.rejection?.code,
    asked,
    size: r?.size ?? null,
    goldSize: last ? last.gold.length : null,
    jaccard: d?.jaccard ?? null,
    missing: d?.missing ?? [],
    extra: d?.extra ?? [],
    gold: undefined,
    predicted: r?.segment ? predictedFacts(r.segment) : undefined,
    explanation: r?.explanation ?? [],
    schemaValid: r?.segment ? SegmentDefinition.safeParse(r.segment).success : null,
    invented: [...new Set(invented)],
    safetyViolations: [...new Set(safetyViolations)],
    ms: performance.now() - started,
    ...spent(meter.spent(), requests),
  };
}

/** The result fields of a case that produced no segment to score. */
const NO_RESULT = {
  size: null,
  goldSize: null,
  jaccard: null,
  missing: [],
  extra: [],
  explanation: [],
  schemaValid: null,
  invented: [],
  safetyViolations: [],
} satisfies Partial<CaseResult>;

export async function runCase(
  services: Services,
  set: string,
  c: EvalCase & { tag: string },
): Promise<CaseResult> {
  const reasons: string[] = [];
  const request = c.turns
    .map((t) => ("query" in t ? t.query : "answer" in t ? `→ ${t.answer}` : `✎ ${t.edit}`))
    .join(" | ");
  const asOf = c.asOf ?? services.tenants.get(c.tenant)?.config.asOf ?? "9999-12-31";
  const base = {
    set,
    id: c.id,
    tag: c.tag,
    tenant: c.tenant,
    asOf,
    request,
    expectClarify: c.expect.clarify,
    turns: [] as TurnResult[],
  };
  // A conversation with a score on some turn is scored turn by turn.
  if (c.turns.some((t) => t.gold_sql !== undefined || t.expect !== undefined))
    return runConversation(services, c, base);
  const started = performance.now();
  let result: RunResult | undefined;
  let asked = false;
  const meter = usageMeter(services.llm?.client);
  meter.start();
  let requests = 0;
  try {
    for (const turn of c.turns) {
      if ("answer" in turn) {
        if (result?.status !== "needs_clarification") {
          reasons.push(`expected a question before answer "${turn.answer}", got ${result?.status}`);
          break;
        }
        result = await runRequest(services, {
          threadId: result.thread_id,
          answer: turn.answer,
          members: true,
        });
      } else {
        result = await runRequest(services, {
          tenant: c.tenant,
          asOf: c.asOf,
          threadId: result?.thread_id,
          request: "query" in turn ? turn.query : turn.edit,
          members: true,
        });
      }
      requests++;
      if (result?.status === "needs_clarification") asked = true;
    }
  } catch (err) {
    return {
      ...base,
      outcome: "fail",
      reasons: [`crash: ${(err as Error).message}`],
      status: "crash",
      asked,
      ...NO_RESULT,
      ms: performance.now() - started,
      ...spent(meter.spent(), requests),
    };
  }
  const ms = performance.now() - started;
  const r = result!;
  const expectedStatus = c.expect.status ?? (c.gold_sql ? "ok" : undefined);
  if (expectedStatus && r.status !== expectedStatus)
    reasons.push(`status ${r.status} (${r.message}), expected ${expectedStatus}`);
  if (c.expect.rejection && r.rejection?.code !== c.expect.rejection)
    reasons.push(`rejection ${r.rejection?.code ?? "none"}, expected ${c.expect.rejection}`);
  if (c.expect.clarify !== undefined && asked !== c.expect.clarify)
    reasons.push(
      c.expect.clarify ? "should have asked a question" : "asked a question it should not have",
    );

  let goldMembers: string[] | null = null;
  const schema = services.tenants.get(c.tenant)?.binding.schema;
  if (c.gold_sql && schema)
    goldMembers = await services.warehouse.membersOfRawSql(schema, c.gold_sql);
  const got = r.members ?? [];
  let missing: string[] = [];
  let extra: string[] = [];
  let jac: number | null = null;
  if (goldMembers && r.status === "ok") {
    const gs = new Set(goldMembers);
    const ps = new Set(got);
    missing = goldMembers.filter((m) => !ps.has(m));
    extra = got.filter((m) => !gs.has(m));
    jac = jaccard(got, goldMembers);
    if (missing.length || extra.length)
      reasons.push(`members differ: ${missing.length} missing, ${extra.length} extra`);
  } else if (goldMembers) {
    jac = 0;
  }
  const invented = inventions(services, c.tenant, r);
  if (invented.length) reasons.push(`invented: ${invented.join(", ")}`);
  const safetyViolations = safety(services, c.tenant, r);
  if (safetyViolations.length) reasons.push(...safetyViolations);
  const schemaValid = r.segment ? SegmentDefinition.safeParse(r.segment).success : null;
  if (schemaValid === false) reasons.push("segment fails its schema");
  return {
    ...base,
    outcome: reasons.length ? "fail" : "pass",
    reasons,
    expectedStatus,
    status: r.status,
    rejectionCode: r.rejection?.code,
    asked,
    size: r.size,
    goldSize: goldMembers?.length ?? null,
    jaccard: jac,
    missing,
    extra,
    gold: c.gold_sql ? goldFacts(c.gold_sql) : undefined,
    predicted: r.segment ? predictedFacts(r.segment) : undefined,
    explanation: r.explanation,
    schemaValid,
    invented,
    safetyViolations,
    ms,
    ...spent(meter.spent(), requests),
  };
}
