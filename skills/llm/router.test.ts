import { FakeListChatModel } from "@langchain/core/utils/testing";
import { describe, expect, it } from "vitest";
import { llmConfigFrom, parseEnv, type StepModels } from "../../state/config.ts";
import { conditionsOf } from "../../state/segment.ts";
import { rulesSkills } from "../rules/index.ts";
import { parseRequest, skillContext, testTenant } from "../rules/testing.ts";
import type { MapResult } from "../types.ts";
import { tokenBudget } from "./budget.ts";
import { memoryCache } from "./cache.ts";
import { LlmClient } from "./client.ts";
import type { MapAnswer } from "./map-answer.ts";
import { createLlmMetrics } from "./metrics.ts";
import { modelsFor, routedSkills, type RouteDecision } from "./router.ts";

const france: MapAnswer = {
  conditions: [
    {
      span: "in France",
      kind: "attribute",
      negated: false,
      facet: "country",
      values: ["France"],
      event: null,
      items: [],
      measure: null,
      op: null,
      value: null,
      value2: null,
      dateTag: null,
    },
  ],
  combine: "and",
  confidence: 0.8,
  unmapped: [],
};
const invented: MapAnswer = {
  ...france,
  conditions: [{ ...france.conditions[0]!, facet: "loyalty_tier", values: ["gold"] }],
};

function setup(opts: {
  cheap: MapAnswer[];
  strong?: MapAnswer[];
  dailyTokens?: number;
  mode?: "hybrid" | "llm";
  tenantModels?: Record<string, StepModels>;
}) {
  const cfg = llmConfigFrom(
    parseEnv({
      OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
      LLM_MAP_MODEL: "cheap",
      LLM_MAP_STRONG_MODEL: "strong",
      LLM_MODE: opts.mode ?? "hybrid",
    }),
  )!;
  const fakes = {
    cheap: new FakeListChatModel({ responses: opts.cheap.map((a) => JSON.stringify(a)) }),
    strong: new FakeListChatModel({ responses: (opts.strong ?? []).map((a) => JSON.stringify(a)) }),
  };
  const calls: string[] = [];
  const metrics = createLlmMetrics();
  const client = new LlmClient(cfg, {
    models: (model) => {
      calls.push(model);
      return fakes[model as keyof typeof fakes];
    },
    cache: memoryCache({ ttlSeconds: 60, maxEntries: 100 }),
    budget: tokenBudget({ dailyTokens: opts.dailyTokens ?? 1000, keyPrefix: "test" }),
    metrics,
  });
  const skills = routedSkills(rulesSkills(), client, metrics, {
    mode: cfg.mode,
    routeBelowConfidence: cfg.routeBelowConfidence,
    model: cfg.mapModel,
    strongModel: cfg.mapStrongModel,
    tenantModels: opts.tenantModels,
  });
  const map = (request: string) => {
    const p = parseRequest(request);
    return skills.map.map(
      {
        text: p.text,
        subSegments: p.subSegments,
        dates: p.dates,
        shortlist: { mentions: p.mentions, producer: "test" },
      },
      skillContext(testTenant("online-retail")),
    ) as Promise<MapResult & { route: RouteDecision }>;
  };
  return { map, calls, metrics };
}

describe("the model router", () => {
  it("keeps the rules' answer and asks no model when the rules are sure", async () => {
    const { map, calls } = setup({ cheap: [france] });
    const r = await map("UK customers who spent over £10,000");
    expect(r.route).toMatchObject({ tier: "rules", reason: "rules_confident", calls: [] });
    expect(r.producer).toBe("rules/map@1");
    expect(calls).toEqual([]);
  });

  it("asks the model even when the rules are sure in llm mode", async () => {
    const { map, calls } = setup({ cheap: [invented], strong: [invented], mode: "llm" });
    const r = await map("UK customers who spent over £10,000");
    expect(calls).toEqual(["cheap", "strong"]);
    // Both answers were invalid: the rules' sure answer stands.
    expect(r.route).toMatchObject({ tier: "rules", reason: "fallback" });
    expect(r.route.rulesConfidence).toBeGreaterThanOrEqual(0.75);
    expect(r.producer).toBe("rules/map@1");
  });

  it("asks the cheap model when the rules are unsure, and cites it on every condition", async () => {
    const { map, calls } = setup({ cheap: [france] });
    const r = await map("loyal customers in France");
    expect(calls).toEqual(["cheap"]);
    expect(r.route).toMatchObject({ tier: "llm", reason: "llm_valid" });
    expect(r.ambiguities).toEqual([]);
    for (const c of conditionsOf(r.root!)) expect(c.provenance.producer).toBe("llm/map@1 cheap");
  });

  it("escalates once to the strong model when the cheap one invents a facet", async () => {
    const { map, calls } = setup({ cheap: [invented], strong: [france] });
    const r = await map("loyal customers in France");
    expect(calls).toEqual(["cheap", "strong"]);
    expect(r.route).toMatchObject({ tier: "llm", reason: "escalated_valid" });
    expect(r.route.calls.map((c) => c.outcome)).toEqual(["invalid_output", "ok"]);
    expect(conditionsOf(r.root!)[0]!.provenance.producer).toBe("llm/map@1 strong");
  });

  it("falls back to the rules and their question when both models answer badly", async () => {
    const { map, calls, metrics } = setup({ cheap: [invented], strong: [invented] });
    const r = await map("loyal customers in France");
    expect(calls).toEqual(["cheap", "strong"]);
    expect(r.route).toMatchObject({ tier: "rules", fallback: "invalid_output" });
    expect(r.ambiguities.map((a) => a.key)).toEqual(["unmapped:loyal"]);
    const decisions = await metrics.decisions.get();
    expect(decisions.values).toContainEqual(
      expect.objectContaining({ labels: { skill: "map", decision: "fallback:invalid_output" } }),
    );
  });

  it("serves a repeated request from the cache without calling the model", async () => {
    const { map, calls } = setup({ cheap: [france] });
    await map("loyal customers in France");
    const again = await map("loyal customers in France");
    expect(calls).toEqual(["cheap"]);
    expect(again.route.calls[0]).toMatchObject({ cached: true, outcome: "ok" });
    expect(again.route.tier).toBe("llm");
  });

  it("answers with the rules once the tenant's daily tokens are spent", async () => {
    const { map } = setup({ cheap: [france], dailyTokens: 0 });
    const r = await map("loyal customers in France");
    expect(r.route).toMatchObject({ tier: "rules", fallback: "over_budget" });
    expect(r.ambiguities).toHaveLength(1);
  });
});

describe("models per step and per tenant", () => {
  const opts = {
    routeBelowConfidence: 0.75,
    model: "cheap",
    strongModel: "strong",
    stepModels: { dates: { model: "dates-model" } },
    tenantModels: { acme: { map: { model: "acme-map", strongModel: "acme-strong" } } },
  };

  it("uses the default pair for a step nobody configured", () => {
    expect(modelsFor(opts, "link", "online-retail")).toEqual(["cheap", "strong"]);
  });

  it("uses the step's own models, with no escalation unless it names one", () => {
    expect(modelsFor(opts, "dates", "online-retail")).toEqual(["dates-model"]);
  });

  it("lets a tenant's setting win over the step's and the default", () => {
    expect(modelsFor(opts, "map", "acme")).toEqual(["acme-map", "acme-strong"]);
    expect(modelsFor(opts, "dates", "acme")).toEqual(["dates-model"]);
  });

  it("reads both from the environment and refuses a malformed setting", () => {
    const cfg = llmConfigFrom(
      parseEnv({
        OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
        LLM_MODELS: '{"intent": {"model": "tiny"}}',
        LLM_TENANT_MODELS: '{"acme": {"edit": {"model": "big"}}}',
      }),
    )!;
    expect(cfg.stepModels).toEqual({ intent: { model: "tiny" } });
    expect(cfg.tenantModels).toEqual({ acme: { edit: { model: "big" } } });
    expect(() => parseEnv({ LLM_MODELS: '{"summarise": {"model": "x"}}' })).toThrow(/expected/);
    expect(() => parseEnv({ LLM_TENANT_MODELS: "not json" })).toThrow(/expected/);
  });

  it("asks the tenant's model for the tenant's request", async () => {
    const { map, calls } = setup({
      cheap: [],
      tenantModels: { "online-retail": { map: { model: "strong" } } },
      strong: [france],
    });
    const r = await map("loyal customers in France");
    expect(calls).toEqual(["strong"]);
    expect(conditionsOf(r.root!)[0]!.provenance.producer).toBe("llm/map@1 strong");
  });
});
