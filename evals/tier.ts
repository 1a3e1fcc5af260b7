/**
 * The tier an evaluation runs on. `rules`: the rules tier alone, whatever the environment says.
 * `hybrid` and `llm`: the LLM tier in front of the rules (`LLM_MODE`), talking to the local
 * fake OpenAI server on loopback, which answers from a script file (evals/llm-script.json): no
 * network and no key, so the gate can run them in CI. The fake's answers are scripted, so these
 * tiers measure the router (how often a model is asked, what it costs, that every failure falls
 * back), not a model's accuracy.
 */
import { join } from "node:path";
import type { Services } from "../runtime/services.ts";
import { createLlmTier, type LlmTier } from "../skills/llm/index.ts";
import { rulesSkills } from "../skills/rules/index.ts";
import { llmConfigFrom, type AppEnv } from "../state/config.ts";
import { FakeOpenAI } from "../tests/support/fake-openai.ts";
import { loadScript, scriptedResponder } from "../tests/support/fake-script.ts";

export const TIERS = ["rules", "hybrid", "llm"] as const;
export type EvalTier = (typeof TIERS)[number];

export const DEFAULT_SCRIPT = join(import.meta.dirname, "llm-script.json");
/** The benchmarks' stand-in model: mapping from the candidates sent, the other skills declining. */
export const STANDIN_SCRIPT = join(import.meta.dirname, "../bench/llm-standin-script.json");

export function parseTier(value: string | undefined): EvalTier {
  const tier = value ?? "rules";
  if (!(TIERS as readonly string[]).includes(tier))
    throw new Error(`--tier must be one of ${TIERS.join(", ")}, not "${tier}"`);
  return tier as EvalTier;
}

export interface TierServices {
  services: Services;
  tier: EvalTier;
  /** The fake server (hybrid and llm), for a benchmark's latency or request counts. */
  fake?: FakeOpenAI;
  llm?: LlmTier;
  close(): Promise<void>;
}

export interface TierOptions {
  /** The fake server's script; default evals/llm-script.json. */
  script?: string;
  /** Simulated model latency per call, in ms. */
  latencyMs?: number;
}

/** The services with the tier's skills; the base services are not changed or closed. */
export async function servicesForTier(
  base: Services,
  env: AppEnv,
  tier: EvalTier,
  opts: TierOptions = {},
): Promise<TierServices> {
  if (tier === "rules") {
    const services = { ...base, llm: null, context: { ...base.context, skills: rulesSkills() } };
    return { services, tier, close: async () => {} };
  }
  const fake = await FakeOpenAI.start();
  fake.respond(scriptedResponder(loadScript(opts.script ?? DEFAULT_SCRIPT)));
  fake.latencyMs = opts.latencyMs ?? 0;
  // Everything else from the environment (models, thresholds, timeouts, prices); the cache
  // and budget in process, so one run never sees another's answers.
  const cfg = llmConfigFrom({
    ...env,
    OPENAI_BASE_URL: fake.url,
    REDIS_URL: undefined,
    LLM_MODE: tier,
  })!;
  const llm = createLlmTier(cfg, rulesSkills());
  const services = { ...base, llm, context: { ...base.context, skills: llm.skills } };
  return {
    services,
    tier,
    fake,
    llm,
    close: async () => {
      await llm.close();
      await fake.close();
    },
  };
}
