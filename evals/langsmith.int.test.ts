/**
 * The evaluation sets as a LangSmith vitest suite. Offline (no LANGSMITH_API_KEY) it runs as
 * plain vitest with tracking off; with a key it records one experiment per set with inputs,
 * outputs and per-metric feedback. It asserts the invariants every case must keep (no crash,
 * nothing invented, only compiler SQL on the tenant's own schema); quality thresholds are
 * the gate's job (`npm run eval:gate`).
 */
import * as ls from "langsmith/vitest";
import { afterAll, beforeAll, expect } from "vitest";
import type { Services } from "../runtime/services.ts";
import { parseEnv } from "../state/config.ts";
import { startTestServices } from "../tests/support/services.ts";
import { loadSet, setFiles } from "./cases.ts";
import { existsSync } from "node:fs";
import { runCase } from "./runner.ts";

const env = parseEnv();
const files = setFiles(env.ONLINE_RETAIL_DIR);
let services: Services;

beforeAll(async () => {
  services = await startTestServices();
});
afterAll(async () => {
  await services?.close();
});

for (const [name, file] of Object.entries(files)) {
  if (!existsSync(file)) continue;
  const set = loadSet(name, file);
  ls.describe(`segmentation-agent ${name}`, () => {
    for (const c of set.cases) {
      ls.test(
        `${c.id} [${c.tag}]`,
        {
          inputs: { tenant: c.tenant, asOf: c.asOf ?? null, turns: c.turns },
          referenceOutputs: { gold_sql: c.gold_sql ?? null, expect: c.expect },
        },
        async () => {
          if (!services.tenants.has(c.tenant)) return { skipped: `tenant ${c.tenant} not served` };
          const r = await runCase(services, name, c);
          ls.logFeedback({ key: "pass", score: r.outcome === "pass" ? 1 : 0 });
          if (r.jaccard !== null) ls.logFeedback({ key: "jaccard", score: r.jaccard });
          if (r.goldSize !== null)
            ls.logFeedback({
              key: "execution_match",
              score: r.missing.length + r.extra.length === 0 && r.status === "ok" ? 1 : 0,
            });
          if (r.expectClarify !== undefined)
            ls.logFeedback({
              key: "clarification_correct",
              score: r.asked === r.expectClarify ? 1 : 0,
            });
          ls.logFeedback({ key: "invented", score: r.invented.length });
          ls.logFeedback({ key: "latency_ms", score: r.ms });
          expect(r.status).not.toBe("crash");
          expect(r.invented).toEqual([]);
          expect(r.safetyViolations).toEqual([]);
          if (r.schemaValid !== null) expect(r.schemaValid).toBe(true);
          return {
            status: r.status,
            size: r.size,
            outcome: r.outcome,
            reasons: r.reasons,
            explanation: r.explanation,
          };
        },
      );
    }
  });
}
