/**
 * Set-level metrics from case results. Every metric is a number so the gate can compare it
 * with a threshold and with the committed baseline; `null` when the set has nothing to
 * measure it on.
 */
import { overlap } from "./facts.ts";
import type { CaseResult } from "./runner.ts";

export interface SetMetrics {
  cases: number;
  skipped: number;
  passed: number;
  /** Passed / scored cases. */
  pass_rate: number | null;
  /** Cases with gold SQL whose member set equals the gold one. */
  execution_accuracy: number | null;
  mean_jaccard: number | null;
  facet_precision: number | null;
  facet_recall: number | null;
  /** Gold comparisons ("gt 500") recovered. */
  operator_value_accuracy: number | null;
  /** Gold string values (countries, categories, products, words) recovered. */
  value_accuracy: number | null;
  /** Cases with dates whose date bounds equal the gold ones (bounds past the as-of ignored). */
  window_accuracy: number | null;
  /** Ok results whose definition passes the schema. */
  schema_validity: number | null;
  invented: number;
  clarification_precision: number | null;
  clarification_recall: number | null;
  /** Cases expected to be rejected that were (with the expected code when given). */
  rejection_correctness: number | null;
  crashes: number;
  safety_violations: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  llm_calls: number;
  /** Model calls per request (per turn run through the graph); 0 in the rules tier. */
  llm_calls_per_request: number | null;
  /** Model answers served from the response cache. */
  llm_cache_hits: number;
  tokens: number;
  /** USD at the price table, over the set. */
  cost_usd: number;
  /** Turns of conversations scored turn by turn, and the share that ended as expected. */
  turns: number;
  turn_accuracy: number | null;
}

const ratio = (n: number, d: number) => (d === 0 ? null : n / d);

function percentile(xs: number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export function computeMetrics(results: CaseResult[]): SetMetrics {
  const scored = results.filter((r) => r.outcome !== "skipped");
  const withGold = scored.filter((r) => r.goldSize !== null);
  const exec = withGold.filter(
    (r) => r.status === "ok" && r.missing.length === 0 && r.extra.length === 0,
  );
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let cmpGold = 0;
  let cmpHit = 0;
  let valGold = 0;
  let valHit = 0;
  let windowCases = 0;
  let windowHit = 0;
  for (const r of withGold) {
    const gold = r.gold;
    if (!gold) continue;
    const pred = r.predicted ?? {
      facets: new Set<string>(),
      comparisons: new Set<string>(),
      values: new Set<string>(),
      dates: new Set<string>(),
    };
    const inter = overlap(pred.facets, gold.facets);
    tp += inter;
    fp += pred.facets.size - inter;
    fn += gold.facets.size - inter;
    cmpGold += gold.comparisons.size;
    cmpHit += overlap(gold.comparisons, pred.comparisons);
    valGold += gold.values.size;
    valHit += overlap(gold.values, pred.values);
    // Bounds on or after the as-of date constrain nothing: "in 2011" may end at 2012-01-01 or not.
    const relevant = (d: Set<string>) => new Set([...d].filter((x) => x < r.asOf));
    const gd = relevant(gold.dates);
    if (gd.size) {
      windowCases++;
      const pd = relevant(pred.dates);
      if (pd.size === gd.size && overlap(pd, gd) === gd.size) windowHit++;
    }
  }
  const clar = scored.filter((r) => r.expectClarify !== undefined);
  const askedRight = clar.filter((r) => r.asked && r.expectClarify).length;
  const asked = clar.filter((r) => r.asked).length;
  const should = clar.filter((r) => r.expectClarify).length;
  const rejections = scored.filter((r) => r.expectedStatus === "rejected");
  const okResults = scored.filter((r) => r.schemaValid !== null);
  return {
    cases: results.length,
    skipped: results.length - scored.length,
    passed: scored.filter((r) => r.outcome === "pass").length,
    pass_rate: ratio(scored.filter((r) => r.outcome === "pass").length, scored.length),
    execution_accuracy: ratio(exec.length, withGold.length),
    mean_jaccard: withGold.length
      ? withGold.reduce((s, r) => s + (r.jaccard ?? 0), 0) / withGold.length
      : null,
    facet_precision: ratio(tp, tp + fp),
    facet_recall: ratio(tp, tp + fn),
    operator_value_accuracy: ratio(cmpHit, cmpGold),
    value_accuracy: ratio(valHit, valGold),
    window_accuracy: ratio(windowHit, windowCases),
    schema_validity: ratio(okResults.filter((r) => r.schemaValid).length, okResults.length),
    invented: scored.reduce((s, r) => s + r.invented.length, 0),
    clarification_precision: ratio(askedRight, asked),
    clarification_recall: ratio(askedRight, should),
    rejection_correctness: ratio(
      rejections.filter(
        (r) => !r.reasons.some((x) => x.startsWith("status") || x.startsWith("rejection")),
      ).length,
      rejections.length,
    ),
    crashes: scored.filter((r) => r.status === "crash").length,
    safety_violations: scored.reduce((s, r) => s + r.safetyViolations.length, 0),
    latency_p50_ms: percentile(
      scored.map((r) => r.ms),
      50,
    ),
    latency_p95_ms: percentile(
      scored.map((r) => r.ms),
      95,
    ),
    llm_calls: scored.reduce((s, r) => s + r.llmCalls, 0),
    llm_calls_per_request: ratio(
      scored.reduce((s, r) => s + r.llmCalls, 0),
      scored.reduce((s, r) => s + r.requests, 0),
    ),
    llm_cache_hits: scored.reduce((s, r) => s + r.llmCached, 0),
    tokens: scored.reduce((s, r) => s + r.tokens, 0),
    cost_usd: scored.reduce((s, r) => s + r.costUsd, 0),
    turns: scored.reduce((s, r) => s + (r.turns?.length ?? 0), 0),
    turn_accuracy: ratio(
      scored.reduce((s, r) => s + (r.turns ?? []).filter((t) => t.ok).length, 0),
      scored.reduce((s, r) => s + (r.turns?.length ?? 0), 0),
    ),
  };
}
