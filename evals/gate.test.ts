import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GateConfig, gateChecks } from "./gate.ts";
import type { SetMetrics } from "./metrics.ts";

const config = GateConfig.parse(
  JSON.parse(readFileSync(join(import.meta.dirname, "gate.config.json"), "utf8")),
);

/** A golden set's metrics with what the test changes. */
function golden(over: Partial<SetMetrics>): Record<string, SetMetrics> {
  const m = {
    cases: 90,
    skipped: 0,
    passed: 90,
    pass_rate: 1,
    execution_accuracy: 1,
    mean_jaccard: 1,
    facet_precision: 1,
    facet_recall: 1,
    operator_value_accuracy: 1,
    value_accuracy: 1,
    window_accuracy: 1,
    schema_validity: 1,
    invented: 0,
    clarification_precision: null,
    clarification_recall: null,
    rejection_correctness: null,
    crashes: 0,
    safety_violations: 0,
    latency_p50_ms: 300,
    latency_p95_ms: 600,
    llm_calls: 0,
    llm_calls_per_request: 0,
    llm_cache_hits: 0,
    tokens: 0,
    cost_usd: 0,
    turns: 0,
    turn_accuracy: null,
    ...over,
  } satisfies SetMetrics;
  return { golden: m };
}

const baseline = { golden: { pass_rate: 0.98, execution_accuracy: 0.98 } };
const failed = (checks: ReturnType<typeof gateChecks>) =>
  checks.filter((c) => !c.ok).map((c) => c.check);

describe("the eval gate per tier", () => {
  it("fails the rules tier on any model call", () => {
    const checks = gateChecks(golden({ llm_calls: 1 }), config, baseline, "rules");
    expect(failed(checks)).toEqual(["golden.llm_calls"]);
  });

  it("lets the hybrid tier call a model, up to half a call per request", () => {
    const few = golden({ llm_calls: 9, llm_calls_per_request: 0.1 });
    expect(failed(gateChecks(few, config, baseline, "hybrid"))).toEqual([]);
    const many = golden({ llm_calls: 60, llm_calls_per_request: 0.67 });
    expect(failed(gateChecks(many, config, baseline, "hybrid"))).toEqual([
      "golden.llm_calls_per_request",
    ]);
  });

  it("takes a set's own threshold over the '*' one (multiturn: every request is unsure)", () => {
    const multiturn = { multiturn: { ...golden({}).golden!, llm_calls_per_request: 0.8 } };
    expect(failed(gateChecks(multiturn, config, {}, "hybrid"))).toEqual([]);
    const over = { multiturn: { ...multiturn.multiturn, llm_calls_per_request: 1.2 } };
    expect(failed(gateChecks(over, config, {}, "hybrid"))).toEqual([
      "multiturn.llm_calls_per_request",
    ]);
  });

  it("fails the hybrid tier below the rules baseline, where the rules tier has a tolerance", () => {
    const lower = golden({ execution_accuracy: 0.97, pass_rate: 0.97 });
    expect(failed(gateChecks(lower, config, baseline, "rules"))).toEqual([]);
    expect(failed(gateChecks(lower, config, baseline, "hybrid"))).toEqual([
      "golden.execution_accuracy not below rules",
      "golden.pass_rate not below rules",
    ]);
  });

  it("fails every tier on an invented facet", () => {
    for (const tier of ["rules", "hybrid"] as const)
      expect(failed(gateChecks(golden({ invented: 1 }), config, baseline, tier))).toContain(
        "golden.invented",
      );
  });
});
