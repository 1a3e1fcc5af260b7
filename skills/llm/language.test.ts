/**
 * The LLM tier's language skills (intent, decompose, date tagging, linking) behind the router,
 * with LangChain's fake chat models: a valid answer is taken and cites its prompt and model,
 * and an answer that strays outside the request or the catalog is refused, leaving the rules'.
 */
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { describe, expect, it } from "vitest";
import { llmConfigFrom, parseEnv } from "../../state/config.ts";
import { rulesSkills } from "../rules/index.ts";
import { parseRequest, skillContext, testTenant } from "../rules/testing.ts";
import { tokenBudget } from "./budget.ts";
import { memoryCache } from "./cache.ts";
import { LlmClient } from "./client.ts";
import { createLlmMetrics } from "./metrics.ts";
import { routedSkills, type RouteDecision } from "./router.ts";

const tenant = testTenant("online-retail");
const ctx = skillContext(tenant);

/** The router in `mode` with a cheap model that answers `answers` in turn. */
function setup(answers: unknown[], mode: "hybrid" | "llm" = "llm") {
  const cfg = llmConfigFrom(
    parseEnv({ OPENAI_BASE_URL: "http://127.0.0.1:9/v1", LLM_MAP_MODEL: "cheap", LLM_MODE: mode }),
  )!;
  const cheap = new FakeListChatModel({ responses: answers.map((a) => JSON.stringify(a)) });
  const calls: string[] = [];
  const metrics = createLlmMetrics();
  const client = new LlmClient(cfg, {
    models: (model) => {
      calls.push(model);
      return cheap;
    },
    cache: memoryCache({ ttlSeconds: 60, maxEntries: 100 }),
    budget: tokenBudget({ dailyTokens: 100_000, keyPrefix: `t${Math.random()}` }),
    metrics,
  });
  const skills = routedSkills(rulesSkills(), client, metrics, {
    mode: cfg.mode,
    routeBelowConfidence: cfg.routeBelowConfidence,
    model: cfg.mapModel,
  });
  return { skills, calls };
}

const routeOf = (r: object) => (r as { route: RouteDecision }).route;

describe("the LLM decompose skill", () => {
  const text = "Danish customers who bought candles";

  it("takes parts that are the request's words in order", async () => {
    const { skills } = setup([
      {
        parts: [
          { text: "Danish", joins: "and", negated: false, zone: "pre" },
          { text: "who bought candles", joins: "and", negated: false, zone: "post" },
        ],
        confidence: 0.9,
        unmapped: [],
      },
    ]);
    const r = await skills.decompose.decompose(text, ctx);
    expect(routeOf(r)).toMatchObject({ tier: "llm", reason: "llm_valid" });
    expect(r.producer).toBe("llm/decompose@1 cheap");
    expect(r.subSegments.map((s) => [s.text, s.start, s.zone])).toEqual([
      ["Danish", 0, "pre"],
      ["who bought candles", 17, "post"],
    ]);
  });

  it("refuses a reworded part and keeps the rules' split", async () => {
    const { skills } = setup([
      {
        parts: [{ text: "customers from Denmark", joins: "and", negated: false, zone: "pre" }],
        confidence: 0.9,
        unmapped: [],
      },
    ]);
    const r = await skills.decompose.decompose(text, ctx);
    expect(routeOf(r)).toMatchObject({ tier: "rules", fallback: "invalid_output" });
    expect(r.producer).toBe("rules/decompose@1");
  });

  it("asks no model in hybrid mode when the rules are sure", async () => {
    const { skills, calls } = setup([], "hybrid");
    const r = await skills.decompose.decompose(text, ctx);
    expect(calls).toEqual([]);
    expect(routeOf(r)).toMatchObject({ tier: "rules", reason: "rules_confident" });
  });
});

describe("the LLM date-tagging skill", () => {
  const p = parseRequest("customers who ordered in the spring of 2011");

  it("takes a window of real days inside a part", async () => {
    const { skills } = setup([
      {
        dates: [
          {
            span: "in the spring of 2011",
            from: "2011-03-01",
            to: "2011-06-01",
            kind: "season",
            label: "spring 2011",
          },
        ],
        confidence: 0.8,
        unmapped: [],
      },
    ]);
    const r = await skills.tagDates.tag(p.text, p.subSegments, ctx);
    expect(r.producer).toBe("llm/dates@1 cheap");
    expect(r.tags).toEqual([
      expect.objectContaining({
        from: "2011-03-01",
        to: "2011-06-01",
        text: "in the spring of 2011",
      }),
    ]);
    expect(p.subSegments.map((s) => s.id)).toContain(r.tags[0]!.subSegmentId);
  });

  it.each([
    ["a day that does not exist", { from: "2011-02-30", to: "2011-06-01" }],
    ["an empty window", { from: "2011-06-01", to: "2011-03-01" }],
    ["no bound at all", { from: null, to: null }],
  ])("refuses %s and keeps the rules' tags", async (_, window) => {
    const { skills } = setup([
      {
        dates: [{ span: "in the spring of 2011", kind: "season", label: "x", ...window }],
        confidence: 0.8,
        unmapped: [],
      },
    ]);
    const r = await skills.tagDates.tag(p.text, p.subSegments, ctx);
    expect(routeOf(r)).toMatchObject({ tier: "rules", fallback: "invalid_output" });
    expect(r.producer).toBe("rules/dates@1");
  });
});

describe("the LLM linking skill", () => {
  const p = parseRequest("French customers who bought candles");

  it("links a phrase to a retrieved candidate, by its number", async () => {
    const { skills } = setup([
      { links: [{ span: "French", candidate: 0 }], confidence: 0.85, unmapped: [] },
    ]);
    const r = await skills.shortlist.shortlist(p.text, p.subSegments, ctx);
    expect(r.producer).toBe("llm/link@1 cheap");
    // Candidate 0 is the rules' first link: the model chose among what was retrieved.
    expect(r.mentions).toEqual([
      expect.objectContaining({
        text: "French",
        facetId: p.mentions[0]!.facetId,
        value: p.mentions[0]!.value,
      }),
    ]);
  });

  it("refuses a candidate that was never offered", async () => {
    const { skills } = setup([
      { links: [{ span: "French", candidate: 9999 }], confidence: 0.85, unmapped: [] },
    ]);
    const r = await skills.shortlist.shortlist(p.text, p.subSegments, ctx);
    expect(routeOf(r)).toMatchObject({ tier: "rules", fallback: "invalid_output" });
    expect(r.mentions).toEqual(p.mentions);
  });
});

describe("the LLM intent skill", () => {
  const intentCtx = { ...ctx, hasSegment: true };

  it("takes a new request in the message's own words", async () => {
    const { skills } = setup([
      {
        intent: "create",
        request: "German customers",
        editOnly: false,
        confidence: 0.9,
        unmapped: [],
      },
    ]);
    const r = await skills.intent.classify("new segment: German customers", intentCtx);
    expect(r).toMatchObject({
      intent: "create",
      request: "German customers",
      producer: "llm/intent@1 cheap",
    });
  });

  it("refuses a request the message does not contain (an injected rewording)", async () => {
    const { skills } = setup([
      {
        intent: "create",
        request: "every customer of every tenant",
        editOnly: false,
        confidence: 0.9,
        unmapped: [],
      },
    ]);
    const r = await skills.intent.classify("new segment: German customers", intentCtx);
    expect(routeOf(r)).toMatchObject({ tier: "rules", fallback: "invalid_output" });
    expect(r.producer).toBe("rules/intent@1");
  });

  it("refuses an intent outside the schema's set", async () => {
    const { skills } = setup([
      { intent: "delete_all", request: "", editOnly: false, confidence: 1, unmapped: [] },
    ]);
    const r = await skills.intent.classify("new segment: German customers", intentCtx);
    expect(routeOf(r)).toMatchObject({ tier: "rules", fallback: "invalid_output" });
  });
});
