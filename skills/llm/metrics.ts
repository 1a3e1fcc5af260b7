/**
 * The LLM tier's Prometheus counters, on a registry of their own that the API's /metrics
 * merges with its own (server/metrics.ts): the tier is built with the services, before the
 * app and its registry exist.
 */
import { Counter, Gauge, Registry } from "prom-client";

export interface LlmMetrics {
  registry: Registry;
  /** Model calls by outcome (ok, invalid_output, timeout, rate_limited, …). */
  calls: Counter<"skill" | "model" | "outcome">;
  tokens: Counter<"skill" | "model" | "direction">;
  costUsd: Counter<"skill" | "model">;
  cacheHits: Counter<"skill" | "model">;
  /** Which tier answered a step and why (rules, llm, escalated, fallback:<reason>). */
  decisions: Counter<"skill" | "decision">;
  /** Where the breaker gauge reads each endpoint's state at scrape time. */
  watchBreakers(states: () => { endpoint: string; state: number }[]): void;
}

export function createLlmMetrics(): LlmMetrics {
  const registry = new Registry();
  const skillModel = ["skill", "model"] as const;
  let breakerStates: () => { endpoint: string; state: number }[] = () => [];
  new Gauge({
    name: "llm_breaker_state",
    help: "Circuit breaker per model endpoint: 0 closed, 1 open, 2 half-open, 3 isolated",
    labelNames: ["endpoint"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { endpoint, state } of breakerStates()) this.set({ endpoint }, state);
    },
  });
  return {
    registry,
    calls: new Counter({
      name: "llm_calls_total",
      help: "Model calls asked for, by skill, model and outcome; over_budget and breaker_open never reached the endpoint, cache hits are counted apart",
      labelNames: [...skillModel, "outcome"] as const,
      registers: [registry],
    }),
    tokens: new Counter({
      name: "llm_tokens_total",
      help: "Tokens sent (in) and received (out) by skill and model",
      labelNames: [...skillModel, "direction"] as const,
      registers: [registry],
    }),
    costUsd: new Counter({
      name: "llm_cost_usd_total",
      help: "Cost of model calls in USD, from the price table (LLM_PRICES)",
      labelNames: skillModel,
      registers: [registry],
    }),
    cacheHits: new Counter({
      name: "llm_cache_hits_total",
      help: "Model answers served from the response cache",
      labelNames: skillModel,
      registers: [registry],
    }),
    decisions: new Counter({
      name: "llm_router_decisions_total",
      help: "Router decisions per skill: rules, llm, escalated, or fallback:<reason>",
      labelNames: ["skill", "decision"] as const,
      registers: [registry],
    }),
    watchBreakers(states) {
      breakerStates = states;
    },
  };
}
