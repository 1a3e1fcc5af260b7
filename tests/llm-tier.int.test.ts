/**
 * The LLM tier through the real graph and the real API, with a local OpenAI-compatible server
 * instead of a provider: the model maps what the rules are unsure of, a bad answer escalates
 * once, and every failure of the model ends in the rules' answer or their question — never an
 * error. Each test builds its own tier (its own breaker, cache and budget) over one set of
 * services.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runRequest, type RunResult } from "../runtime/run.ts";
import { startServices, type Services } from "../runtime/services.ts";
import { createTestApp, newKey, requester, uniquePrefix } from "../server/testing/api-fixtures.ts";
import { createLlmTier, type LlmTier } from "../skills/llm/index.ts";
import type { MapAnswer } from "../skills/llm/map-answer.ts";
import type { RouteDecision } from "../skills/llm/router.ts";
import { rulesSkills } from "../skills/rules/index.ts";
import { llmConfigFrom, parseEnv } from "../state/config.ts";
import { conditionsOf } from "../state/segment.ts";
import { BLANK_CONDITION as blank } from "../skills/llm/testing.ts";
import { FakeOpenAI, type FakeReply } from "./support/fake-openai.ts";

let fake: FakeOpenAI;
let services: Services;
const tiers: LlmTier[] = [];

const LLM_ENV = {
  LLM_MAP_MODEL: "cheap-model",
  LLM_MAP_STRONG_MODEL: "strong-model",
  // Generous: a loaded machine must not turn a scripted answer into a timeout.
  LLM_TIMEOUT_MS: "10000",
  LLM_RETRY_BASE_MS: "5",
  LLM_MAX_RETRIES: "1",
  LLM_PRICES: '{"cheap-model": {"input": 0.15, "output": 0.6}}',
};

beforeAll(async () => {
  fake = await FakeOpenAI.start();
  // The tier as the services build it from the environment: on because OPENAI_BASE_URL is set.
  services = await startServices(
    parseEnv({ ...process.env, ...LLM_ENV, OPENAI_BASE_URL: fake.url }),
  );
});
afterAll(async () => {
  await Promise.all(tiers.map((t) => t.close()));
  await services?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

/** The same services with a tier of the test's own configuration. */
async function withTier(env: Record<string, string> = {}): Promise<Services> {
  const cfg = llmConfigFrom(parseEnv({ ...LLM_ENV, OPENAI_BASE_URL: fake.url, ...env }))!;
  const tier = createLlmTier(cfg, rulesSkills(), { keyPrefix: `${uniquePrefix()}:` });
  tiers.push(tier);
  expect(await tier.ready()).toBe(true);
  return { ...services, llm: tier, context: { ...services.context, skills: tier.skills } };
}

const create = (s: Services, request: string) =>
  runRequest(s, { tenant: "online-retail", request });

function routeOf(r: RunResult): RouteDecision {
  const detail = r.audit.filter((a) => a.step === "mapFacets").at(-1)?.detail;
  return detail?.route as RouteDecision;
}

/** "loyal customers in France" read as French customers who spent over £1,000. */
const loyalFrench: MapAnswer = {
  conditions: [
    { ...blank, span: "in France", facet: "country", values: ["France"] },
    {
      ...blank,
      span: "loyal",
      kind: "behaviour",
      event: "order",
      measure: "spend",
      op: "gt",
      value: 1000,
    },
  ],
  combine: "and",
  confidence: 0.8,
  unmapped: [],
};
const UNSURE = "loyal customers in France";

describe("the LLM tier in the graph", () => {
  it("is off without OPENAI_BASE_URL: the services run the rules alone", async () => {
    const rulesOnly = llmConfigFrom(parseEnv({ ...process.env, OPENAI_BASE_URL: "" }));
    expect(rulesOnly).toBeNull();
    expect(services.llm).not.toBeNull();
  });

  it("leaves a request the rules are sure of to the rules, with no model call", async () => {
    const r = await create(services, "UK customers who spent over £10,000");
    expect(r.status).toBe("ok");
    expect(r.size).toBe(85);
    expect(fake.requests).toHaveLength(0);
    expect(routeOf(r)).toMatchObject({ tier: "rules", reason: "rules_confident" });
  });

  it("maps what the rules are unsure of with the cheap model and records the decision", async () => {
    fake.respond(() => ({ answer: loyalFrench, usage: { in: 900, out: 120 } }));
    const r = await create(await withTier(), UNSURE);
    expect(r.status).toBe("ok");
    expect(r.size).toBeGreaterThan(0);
    for (const c of conditionsOf(r.segment!.root)) {
      expect(c.provenance.producer).toBe("llm/map@1 cheap-model");
    }
    const route = routeOf(r);
    expect(route).toMatchObject({ tier: "llm", reason: "llm_valid" });
    expect(route.calls[0]).toMatchObject({ model: "cheap-model", tokensIn: 900, tokensOut: 120 });
    expect(route.calls[0]!.costUsd).toBeGreaterThan(0);
    // The request travels as data in the user message, never inside the instructions.
    expect(fake.requests[0]!.input).toMatchObject({ request: UNSURE });
    expect(fake.requests[0]!.system).not.toContain(UNSURE);
  });

  it("escalates once to the strong model when the cheap one invents a facet", async () => {
    const invented = {
      ...loyalFrench,
      conditions: [{ ...blank, span: "loyal", facet: "loyalty_tier", values: ["gold"] }],
    };
    fake.respond((req) => ({ answer: req.model === "cheap-model" ? invented : loyalFrench }));
    const r = await create(await withTier(), UNSURE);
    expect(r.status).toBe("ok");
    expect(fake.requests.map((q) => q.model)).toEqual(["cheap-model", "strong-model"]);
    expect(routeOf(r)).toMatchObject({ tier: "llm", reason: "escalated_valid" });
    expect(JSON.stringify(r.segment)).not.toContain("loyalty_tier");
  });

  const failures: [string, FakeReply, string][] = [
    ["a timeout", { hangMs: 5_000, then: { answer: loyalFrench } }, "timeout"],
    ["429 on every attempt", { status: 429 }, "rate_limited"],
    ["500 on every attempt", { status: 500 }, "server_error"],
    ["malformed JSON", { malformed: '{"conditions": [' }, "invalid_output"],
    ["JSON that breaks the schema", { answer: { conditions: "all of them" } }, "invalid_output"],
    [
      "a hallucinated facet",
      {
        answer: {
          ...loyalFrench,
          conditions: [{ ...blank, span: "loyal", facet: "vip_level", values: ["1"] }],
        },
      },
      "invalid_output",
    ],
    [
      "a value injected by the request",
      {
        answer: {
          ...loyalFrench,
          conditions: [
            { ...blank, span: "in France", facet: "country", values: ["France' or '1'='1"] },
          ],
        },
      },
      "invalid_output",
    ],
  ];
  for (const [what, reply, reason] of failures) {
    it(`answers with the rules' question after ${what}`, async () => {
      fake.respond(() => reply);
      // Only the timeout case is short: elsewhere a loaded machine must not time out.
      const env: Record<string, string> = reason === "timeout" ? { LLM_TIMEOUT_MS: "500" } : {};
      const r = await create(await withTier(env), UNSURE);
      expect(r.status).toBe("needs_clarification");
      expect(r.clarification?.question).toMatch(/loyal/);
      expect(routeOf(r)).toMatchObject({ tier: "rules", reason: "fallback", fallback: reason });
    });
  }

  it("serves a repeated request from the cache (Redis) without calling the model", async () => {
    fake.respond(() => ({ answer: loyalFrench }));
    const s = await withTier({ REDIS_URL: "redis://127.0.0.1:6379", LLM_CACHE_TTL_SECONDS: "60" });
    const first = await create(s, UNSURE);
    const again = await create(s, UNSURE);
    expect(fake.requests).toHaveLength(1);
    expect(routeOf(again).calls[0]).toMatchObject({ cached: true, tokensIn: 0 });
    expect(again.size).toBe(first.size);
  });

  it("opens the breaker after consecutive failures, then answers without calling", async () => {
    fake.respond(() => ({ status: 503 }));
    const s = await withTier({ LLM_MAX_RETRIES: "0", LLM_BREAKER_FAILURES: "2" });
    const results = [];
    // Failures are not cached: the same request asks the endpoint again until the breaker opens.
    for (let i = 0; i < 3; i++) results.push(await create(s, UNSURE));
    expect(results.map((r) => routeOf(r).fallback)).toEqual([
      "server_error",
      "server_error",
      "breaker_open",
    ]);
    expect(results.every((r) => r.status === "needs_clarification")).toBe(true);
    expect(fake.requests).toHaveLength(2);
  });
});

describe("the LLM language skills in the graph, asked first (LLM_MODE=llm)", () => {
  const REQUEST = "UK customers who spent over £10,000 in 2011";
  /** Where each step records the router's decision in the turn's audit. */
  const decisionOf = (r: RunResult, step: string): RouteDecision | undefined => {
    const entry = r.audit.filter((a) => a.step === step).at(-1)?.detail;
    return (step === "perceiveMessage" ? entry?.intentRoute : entry?.route) as RouteDecision;
  };
  const failures: [string, string, FakeReply, string][] = [
    ["intent", "perceiveMessage", { status: 500 }, "server_error"],
    ["decompose", "decompose", { malformed: '{"parts": [' }, "invalid_output"],
    [
      "dates",
      "tagDates",
      {
        answer: {
          dates: [
            {
              span: "in 2011",
              from: "2011-02-30",
              to: "2012-01-01",
              kind: "calendar",
              label: "2011",
            },
          ],
          confidence: 0.9,
          unmapped: [],
        },
      },
      "invalid_output",
    ],
    [
      "link",
      "shortlistFacets",
      { answer: { links: [{ span: "UK", candidate: 4096 }], confidence: 0.9, unmapped: [] } },
      "invalid_output",
    ],
  ];
  for (const [skill, step, reply, reason] of failures) {
    it(`answers with the rules when the ${skill} model fails (${reason})`, async () => {
      const rules = await create(services, REQUEST);
      expect(rules.status).toBe("ok");
      // The failing skill gets its cue; every other skill an answer that breaks its schema.
      fake.respond((req) => (req.name === `${skill}_1` ? reply : { answer: {} }));
      const r = await create(await withTier({ LLM_MODE: "llm" }), REQUEST);
      expect(r.status).toBe("ok");
      expect(r.size).toBe(rules.size);
      expect(decisionOf(r, step)).toMatchObject({
        tier: "rules",
        reason: "fallback",
        fallback: reason,
      });
      expect(fake.requests.some((q) => q.name === `${skill}_1`)).toBe(true);
    });
  }
});

describe("the LLM edit skill in the graph", () => {
  const SWAP = "swap the big spenders for people who bought candles";
  type EditInputSeen = {
    conditions: { number: number; description: string }[];
    candidates: { facet: string; kind: string; values?: { value: string }[] }[];
  };

  it("makes an edit the rules refuse, with the model's operations, and falls back when it is down", async () => {
    const s = await withTier();
    const first = await create(s, "UK customers who spent over £10,000");
    expect(first.status).toBe("ok");
    // Answers from what the skill sent: the spend condition's number, a retrieved item value.
    fake.respond((req) => {
      const seen = req.input as EditInputSeen;
      const spend = seen.conditions.find((c) => /spent/i.test(c.description))!;
      const item = seen.candidates.find((c) => c.kind === "item" && c.values?.length)!;
      const op = {
        target: null,
        condition: null,
        values: [],
        cmp: null,
        value: null,
        value2: null,
        dateTag: null,
      };
      return {
        answer: {
          ops: [
            { ...op, op: "remove", span: "swap the big spenders", target: spend.number },
            {
              ...op,
              op: "add",
              span: "people who bought candles",
              condition: {
                ...blank,
                span: "people who bought candles",
                kind: "behaviour",
                event: "order",
                items: [{ facet: item.facet, values: [item.values![0]!.value] }],
                measure: "exists",
              },
            },
          ],
          confidence: 0.85,
          unmapped: [],
        },
      };
    });
    const edited = await runRequest(s, { threadId: first.thread_id, request: SWAP });
    expect(edited.status).toBe("ok");
    expect(edited.version).toBe(2);
    const edit = edited.audit.filter((a) => a.step === "understandEdit").at(-1)?.detail;
    expect(edit?.route).toMatchObject({ tier: "llm", reason: "llm_valid" });
    const conditions = conditionsOf(edited.segment!.root);
    expect(conditions.some((c) => c.type === "behaviour" && c.measure === "spend")).toBe(false);
    expect(conditions.find((c) => c.type === "behaviour")?.provenance.producer).toBe(
      "llm/edit@1 cheap-model",
    );

    fake.respond(() => ({ status: 500 }));
    const again = await runRequest(s, { threadId: first.thread_id, request: SWAP });
    expect(again.status).toBe("rejected");
    expect(again.rejection?.code).toBe("edit_no_target");
    expect(again.version).toBe(2);
  });
});

describe("the LLM tier behind the API", () => {
  it("a model outage is a 200 with the question, and /metrics counts the calls", async () => {
    fake.respond(() => ({ status: 500 }));
    const t = createTestApp(services);
    try {
      const call = requester(t.app);
      const key = await newKey(services, "online-retail");
      const thread = await call("/v1/threads", { key, json: {} });
      const { id } = (await thread.json()) as { id: string };
      const res = await call(`/v1/threads/${id}/messages`, { key, json: { text: UNSURE } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe("needs_clarification");
      const metrics = await (await call("/metrics")).text();
      expect(metrics).toMatch(
        /llm_calls_total\{skill="map@1",model="cheap-model",outcome="server_error"\} [1-9]/,
      );
      expect(metrics).toMatch(
        /llm_router_decisions_total\{skill="map",decision="fallback:server_error"\}/,
      );
      expect(metrics).toContain("llm_breaker_state");
    } finally {
      await t.close();
    }
  });
});
