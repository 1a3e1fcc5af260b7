/**
 * Benchmark of the LLM tier in hybrid mode, against the local fake OpenAI server (no network):
 * the golden and held-out sets run through the real graph with the router in front of the
 * rules, and it prints how many model calls a request makes, the router's decisions, the cache
 * hit rate when the same sets are replayed, and the end-to-end latency per case with a
 * simulated model latency against the rules alone.
 *
 *   npm run bench:llm [-- --sets golden,heldout --latency-ms 800]
 *
 * The fake model answers from a script (`--script`, default bench/llm-standin-script.json: a
 * stand-in that maps each retrieved value to a condition; every other skill declines), so the figures are the
 * router's and the cache's, not a model's accuracy.
 */
import { parseArgs } from "node:util";
import { runEval } from "../evals/run.ts";
import { startServices, type Services } from "../runtime/services.ts";
import { createLlmTier, type LlmTier } from "../skills/llm/index.ts";
import { rulesSkills } from "../skills/rules/index.ts";
import { llmConfigFrom, parseEnv } from "../state/config.ts";
import { FakeOpenAI } from "../tests/support/fake-openai.ts";
import { loadScript, scriptedResponder } from "../tests/support/fake-script.ts";
import { STANDIN_SCRIPT } from "../evals/tier.ts";

function withTier(services: Services, tier: LlmTier): Services {
  return { ...services, llm: tier, context: { ...services.context, skills: tier.skills } };
}

async function counter(tier: LlmTier, name: "cacheHits" | "costUsd"): Promise<number> {
  return (await tier.metrics[name].get()).values.reduce((sum, v) => sum + v.value, 0);
}

async function main() {
  const { values } = parseArgs({
    options: {
      sets: { type: "string", default: "golden,heldout" },
      "latency-ms": { type: "string", default: "800" },
      script: { type: "string", default: STANDIN_SCRIPT },
    },
  });
  const sets = values.sets.split(",").map((s) => s.trim());
  const latencyMs = Number(values["latency-ms"]);
  const env = parseEnv();
  const fake = await FakeOpenAI.start();
  fake.respond(scriptedResponder(loadScript(values.script)));
  const services = await startServices(env, {
    onStatus: (m) => process.stderr.write(`• ${m}\n`),
  });
  const tiers: LlmTier[] = [];
  const newTier = () => {
    const cfg = llmConfigFrom(
      parseEnv({ ...process.env, OPENAI_BASE_URL: fake.url, REDIS_URL: "" }),
    )!;
    const tier = createLlmTier(cfg, rulesSkills());
    tiers.push(tier);
    return tier;
  };
  try {
    const run = (s: Services) => runEval(s, env.ONLINE_RETAIL_DIR, { sets });
    const timed = async (s: Services) => {
      const r = await run(s);
      const ms = r.results.map((x) => x.ms).sort((a, b) => a - b);
      return {
        cases: ms.length,
        mean: ms.reduce((a, b) => a + b, 0) / ms.length,
        p50: ms[Math.floor(ms.length / 2)]!,
      };
    };

    const tier = newTier();
    const hybrid = withTier(services, tier);
    const first = await run(hybrid);
    const requests = first.results.length;
    const calls = fake.requests.length;
    const decisions = (await tier.metrics.decisions.get()).values.map(
      (v) => `${v.labels.skill}:${v.labels.decision}=${v.value}`,
    );
    const cost = await counter(tier, "costUsd");
    fake.requests.length = 0;
    await run(hybrid);
    const replayCalls = fake.requests.length;
    const hits = await counter(tier, "cacheHits");

    fake.requests.length = 0;
    const rulesOnly = await timed(services);
    fake.latencyMs = latencyMs;
    const slow = await timed(withTier(services, newTier()));
    const slowCalls = fake.requests.length;

    console.log(`sets: ${sets.join(", ")} (${requests} cases, each one conversation)`);
    console.log(`model calls per case (hybrid, cold cache): ${(calls / requests).toFixed(3)}`);
    console.log(`router decisions: ${decisions.join(", ")}`);
    console.log(`cost per case (price table): $${(cost / requests).toFixed(6)}`);
    console.log(
      `replay: ${replayCalls} model calls, ${hits} cache hits; hit rate ${hits + replayCalls ? ((hits / (hits + replayCalls)) * 100).toFixed(1) : "n/a"}%`,
    );
    console.log(
      `latency per case, rules only: mean ${rulesOnly.mean.toFixed(0)} ms, p50 ${rulesOnly.p50.toFixed(0)} ms`,
    );
    console.log(
      `latency per case, hybrid with ${latencyMs} ms per model call (${slowCalls} calls): mean ${slow.mean.toFixed(0)} ms, p50 ${slow.p50.toFixed(0)} ms`,
    );
  } finally {
    await Promise.all(tiers.map((t) => t.close()));
    await services.close();
    await fake.close();
  }
}

await main();
