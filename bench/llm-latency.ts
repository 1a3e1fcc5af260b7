/**
 * Benchmark: what the graph's parallel wiring saves when each language step waits on a model.
 * The fake OpenAI server (loopback, no network) answers every call after a simulated latency;
 * the LLM tier in `llm` mode asks a model on every routed step (intent, decompose, date
 * tagging, linking, mapping), and the scripted model declines each time, so every request
 * makes the same calls and gets the rules' answer in both wirings. The same requests run,
 * interleaved, through the conversation graph as built (date tagging beside linking) and
 * through the same graph with those two steps one after the other; the hybrid tier (rules
 * first) and the rules alone run beside them for scale. Prints medians side by side.
 *
 *   npm run bench:llm-latency [-- --latency-ms 800 --cases 8 --rounds 2 --set golden]
 */
import { parseArgs } from "node:util";
import { loadSet, setFiles } from "../evals/cases.ts";
import { servicesForTier, type TierServices } from "../evals/tier.ts";
import { createConversationGraph } from "../graphs/conversation.ts";
import { runRequest } from "../runtime/run.ts";
import { startServices, type Services } from "../runtime/services.ts";
import { parseEnv } from "../state/config.ts";

interface Variant {
  name: string;
  services: Services;
  tier: TierServices;
  ms: number[];
  calls: number;
  runs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function main() {
  const { values } = parseArgs({
    options: {
      "latency-ms": { type: "string", default: "800" },
      cases: { type: "string", default: "8" },
      rounds: { type: "string", default: "2" },
      set: { type: "string", default: "golden" },
    },
  });
  const latencyMs = Number(values["latency-ms"]);
  const env = parseEnv();
  const base = await startServices(env, { onStatus: (m) => process.stderr.write(`• ${m}\n`) });
  const tiers: TierServices[] = [];
  try {
    const file = setFiles(env.ONLINE_RETAIL_DIR)[values.set!];
    if (!file) throw new Error(`unknown set ${values.set}`);
    const requests = loadSet(values.set!, file)
      .cases.filter((c) => c.tenant === base.defaultTenant && c.turns.length === 1)
      .flatMap((c) => ("query" in c.turns[0]! ? [c.turns[0].query] : []))
      .slice(0, Number(values.cases));
    const tier = async (t: "rules" | "hybrid" | "llm") => {
      const s = await servicesForTier(base, env, t, { latencyMs });
      tiers.push(s);
      return s;
    };
    const llm = await tier("llm");
    const sequential = createConversationGraph(base.checkpointer, {
      checkpointSubgraphs: true,
      languageSteps: "sequential",
    });
    const hybrid = await tier("hybrid");
    const rules = await tier("rules");
    const variants: Variant[] = [
      { name: "llm tier, graph as built", services: llm.services, tier: llm },
      {
        name: "llm tier, steps one after another",
        services: { ...llm.services, graph: sequential },
        tier: llm,
      },
      { name: "hybrid tier, graph as built", services: hybrid.services, tier: hybrid },
      { name: "rules only", services: rules.services, tier: rules },
    ].map((v) => ({ ...v, ms: [], calls: 0, runs: 0 }));
    const rounds = Number(values.rounds);
    // Warm-up: catalogs, retrievers and connections, outside the figures.
    for (const v of variants)
      await runRequest(v.services, { tenant: base.defaultTenant, request: requests[0]! });
    for (let round = 0; round < rounds; round++) {
      for (const request of requests) {
        for (const v of variants) {
          const before = v.tier.llm?.client.totals.calls ?? 0;
          const started = performance.now();
          await runRequest(v.services, { tenant: base.defaultTenant, request });
          v.ms.push(performance.now() - started);
          v.calls += (v.tier.llm?.client.totals.calls ?? 0) - before;
          v.runs++;
        }
      }
    }
    const [built, oneByOne] = variants;
    console.log(
      `\n${requests.length} requests of ${values.set} × ${rounds} rounds, ${latencyMs} ms per model call (fake OpenAI server on loopback)\n`,
    );
    console.log("| variant | model calls / request | p50 ms | mean ms |");
    console.log("| --- | --- | --- | --- |");
    for (const v of variants) {
      const mean = v.ms.reduce((a, b) => a + b, 0) / v.ms.length;
      console.log(
        `| ${v.name} | ${(v.calls / v.runs).toFixed(2)} | ${median(v.ms).toFixed(0)} | ${mean.toFixed(0)} |`,
      );
    }
    const saved = 1 - median(built!.ms) / median(oneByOne!.ms);
    console.log(
      `\ngraph as built vs the same steps one after another (llm tier, p50): ${(100 * saved).toFixed(1)}% faster (goal ≥ 40%)`,
    );
  } finally {
    for (const t of tiers) await t.close();
    await base.close();
  }
}

await main();
