/**
 * The eval gate: runs every set, fails (exit 1) when a metric misses its threshold in
 * evals/gate.config.json or falls below the committed baseline by more than the tolerance.
 * The baseline is the rules tier's; `--tier hybrid|llm` adds that tier's own thresholds and
 * checks the metrics it names against the baseline with no tolerance (not below the rules).
 *
 *   npm run eval:gate                 check the rules tier
 *   npm run eval:gate -- --tier hybrid   check the hybrid tier (fake OpenAI server, no network)
 *   npm run eval:baseline             record the current rules metrics as the new baseline
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { startServices } from "../runtime/services.ts";
import { parseEnv } from "../state/config.ts";
import type { SetMetrics } from "./metrics.ts";
import { summaryTable } from "./report.ts";
import { runEval } from "./run.ts";
import { parseTier, servicesForTier, type EvalTier } from "./tier.ts";

const here = import.meta.dirname;
const CONFIG = join(here, "gate.config.json");
const BASELINE = join(here, "baseline.json");

const Thresholds = z.record(
  z.string(),
  z.object({ min: z.number().optional(), max: z.number().optional() }),
);

export const GateConfig = z.object({
  /** Every tier. */
  thresholds: Thresholds,
  regression: z.object({ metrics: z.array(z.string()), tolerance: z.number().min(0) }),
  /** Per tier: its own thresholds, and metrics that may not fall below the (rules) baseline. */
  tiers: z
    .record(
      z.string(),
      z.object({
        $comment: z.string().optional(),
        thresholds: Thresholds.default({}),
        notBelowBaseline: z.array(z.string()).default([]),
      }),
    )
    .default({}),
});
export type GateConfig = z.infer<typeof GateConfig>;
type Baseline = Record<string, Record<string, number | null>>;

export interface Check {
  check: string;
  value: number | null;
  limit: string;
  ok: boolean;
}

/** Pure: the checks of a tier's metrics against the config and the baseline. */
export function gateChecks(
  metrics: Record<string, SetMetrics>,
  config: GateConfig,
  baseline: Baseline,
  tier: EvalTier = "rules",
): Check[] {
  const checks: Check[] = [];
  const own = config.tiers[tier];
  const thresholds = { ...config.thresholds, ...own?.thresholds };
  for (const [key, limit] of Object.entries(thresholds)) {
    const [setPattern, metric] = key.split(".") as [string, keyof SetMetrics];
    // A set's own threshold for a metric replaces the '*' one for that set.
    const sets =
      setPattern === "*"
        ? Object.keys(metrics).filter((set) => !(`${set}.${metric}` in thresholds))
        : [setPattern];
    for (const set of sets) {
      const m = metrics[set];
      if (!m) continue;
      const value = m[metric] as number | null;
      if (value === null) continue;
      const ok =
        (limit.min === undefined || value >= limit.min) &&
        (limit.max === undefined || value <= limit.max);
      checks.push({
        check: `${set}.${metric}`,
        value,
        limit: [
          limit.min !== undefined ? `≥ ${limit.min}` : "",
          limit.max !== undefined ? `≤ ${limit.max}` : "",
        ]
          .filter(Boolean)
          .join(", "),
        ok,
      });
    }
  }
  for (const [set, base] of Object.entries(baseline)) {
    const m = metrics[set];
    if (!m) continue;
    for (const metric of config.regression.metrics) {
      const was = base[metric];
      const now = m[metric as keyof SetMetrics] as number | null;
      if (was === null || was === undefined || now === null) continue;
      checks.push({
        check: `${set}.${metric} vs baseline`,
        value: now,
        limit: `≥ ${(was - config.regression.tolerance).toFixed(3)} (baseline ${was.toFixed(3)})`,
        ok: now >= was - config.regression.tolerance,
      });
    }
    for (const metric of own?.notBelowBaseline ?? []) {
      const was = base[metric];
      const now = m[metric as keyof SetMetrics] as number | null;
      if (was === null || was === undefined || now === null) continue;
      checks.push({
        check: `${set}.${metric} not below rules`,
        value: now,
        limit: `≥ ${was.toFixed(3)} (rules baseline)`,
        ok: now >= was,
      });
    }
  }
  return checks;
}

async function main() {
  const { values } = parseArgs({
    options: {
      "update-baseline": { type: "boolean", default: false },
      tier: { type: "string", default: "rules" },
    },
  });
  const tier = parseTier(values.tier);
  if (values["update-baseline"] && tier !== "rules")
    throw new Error("the baseline is the rules tier's: record it without --tier");
  const config = GateConfig.parse(JSON.parse(readFileSync(CONFIG, "utf8")));
  const env = parseEnv();
  const base = await startServices(env, { onStatus: (m) => process.stderr.write(`• ${m}\n`) });
  let metrics: Record<string, SetMetrics>;
  try {
    const { services, close } = await servicesForTier(base, env, tier);
    ({ metrics } = await runEval(services, env.ONLINE_RETAIL_DIR).finally(close));
  } finally {
    await base.close();
  }
  console.log(`tier: ${tier}\n${summaryTable(metrics)}`);
  if (values["update-baseline"]) {
    const baseline: Baseline = Object.fromEntries(
      Object.entries(metrics).map(([set, m]) => [
        set,
        Object.fromEntries(
          config.regression.metrics.map((k) => [k, m[k as keyof SetMetrics] as number | null]),
        ),
      ]),
    );
    writeFileSync(BASELINE, `${JSON.stringify(baseline, null, 2)}\n`);
    console.log(`\nbaseline written: ${BASELINE}`);
    return;
  }
  const baseline: Baseline = existsSync(BASELINE)
    ? (JSON.parse(readFileSync(BASELINE, "utf8")) as Baseline)
    : {};
  const checks = gateChecks(metrics, config, baseline, tier);
  const failed = checks.filter((c) => !c.ok);
  console.log(`\ngate: ${checks.length} checks, ${failed.length} failed`);
  for (const c of failed) console.log(`  FAIL ${c.check} = ${c.value} (needs ${c.limit})`);
  if (!existsSync(BASELINE)) console.log("  (no baseline yet: run npm run eval:baseline)");
  if (failed.length) process.exitCode = 1;
  else console.log("gate: PASS");
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
