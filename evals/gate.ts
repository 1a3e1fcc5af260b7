/**
 * The eval gate: runs every set, fails (exit 1) when a metric misses its threshold in
 * evals/gate.config.json or falls below the committed baseline by more than the tolerance.
 *
 *   npm run eval:gate                 check
 *   npm run eval:baseline             record the current metrics as the new baseline
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

const here = import.meta.dirname;
const CONFIG = join(here, "gate.config.json");
const BASELINE = join(here, "baseline.json");

const GateConfig = z.object({
  thresholds: z.record(
    z.string(),
    z.object({ min: z.number().optional(), max: z.number().optional() }),
  ),
  regression: z.object({ metrics: z.array(z.string()), tolerance: z.number().min(0) }),
});
type GateConfig = z.infer<typeof GateConfig>;
type Baseline = Record<string, Record<string, number | null>>;

export interface Check {
  check: string;
  value: number | null;
  limit: string;
  ok: boolean;
}

/** Pure: the checks of a run's metrics against the config and the baseline. */
export function gateChecks(
  metrics: Record<string, SetMetrics>,
  config: GateConfig,
  baseline: Baseline,
): Check[] {
  const checks: Check[] = [];
  for (const [key, limit] of Object.entries(config.thresholds)) {
    const [setPattern, metric] = key.split(".") as [string, keyof SetMetrics];
    const sets = setPattern === "*" ? Object.keys(metrics) : [setPattern];
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
  }
  return checks;
}

async function main() {
  const { values } = parseArgs({
    options: { "update-baseline": { type: "boolean", default: false } },
  });
  const config = GateConfig.parse(JSON.parse(readFileSync(CONFIG, "utf8")));
  const env = parseEnv();
  const services = await startServices(env, { onStatus: (m) => process.stderr.write(`• ${m}\n`) });
  let metrics: Record<string, SetMetrics>;
  try {
    ({ metrics } = await runEval(services, env.ONLINE_RETAIL_DIR));
  } finally {
    await services.close();
  }
  console.log(summaryTable(metrics));
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
  const checks = gateChecks(metrics, config, baseline);
  const failed = checks.filter((c) => !c.ok);
  console.log(`\ngate: ${checks.length} checks, ${failed.length} failed`);
  for (const c of failed) console.log(`  FAIL ${c.check} = ${c.value} (needs ${c.limit})`);
  if (!existsSync(BASELINE)) console.log("  (no baseline yet: run npm run eval:baseline)");
  if (failed.length) process.exitCode = 1;
  else console.log("gate: PASS");
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
