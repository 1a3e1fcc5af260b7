import { FakeListChatModel } from "@langchain/core/utils/testing";
import { describe, expect, it } from "vitest";
import { applyOps } from "../../segment/edit-ops.ts";
import { llmConfigFrom, parseEnv } from "../../state/config.ts";
import type { EditPlan } from "../../state/edit.ts";
import { conditionsOf } from "../../state/segment.ts";
import { rulesSkills } from "../rules/index.ts";
import { parseRequest, skillContext, testTenant } from "../rules/testing.ts";
import { normaliseRequest } from "../rules/text.ts";
import type { EditInput } from "../types.ts";
import { tokenBudget } from "./budget.ts";
import { memoryCache } from "./cache.ts";
import { LlmClient } from "./client.ts";
import type { EditAnswer, EditAnswerOp } from "./edit-answer.ts";
import type { MapAnswerCondition } from "./map-answer.ts";
import { createLlmMetrics } from "./metrics.ts";
import { routedSkills, type RouteDecision } from "./router.ts";

const ctx = skillContext(testTenant("online-retail"));
const created = parseRequest("UK customers who spent over £10,000");
const base = {
  version: 1 as const,
  tenant: "online-retail",
  asOf: "2011-12-10",
  request: created.text,
  root: created.root!,
};
const editInput = (text: string): EditInput => ({
  text: normaliseRequest(text),
  base,
  version: 1,
  history: { versions: [1], undo: [], redo: [] },
});
/** What the catalog offers for the edit's words (as the skill itself finds it). */
const offered = (text: string) => parseRequest(text).mentions.filter((m) => m.value !== undefined);

const SWAP = "swap the big spenders for people who bought candles";
const op = (o: Partial<EditAnswerOp> & Pick<EditAnswerOp, "op" | "span">): EditAnswerOp => ({
  target: null,
  condition: null,
  values: [],
  cmp: null,
  value: null,
  value2: null,
  dateTag: null,
  ...o,
});
function swapAnswer(): EditAnswer {
  const candle = offered(SWAP).find((m) => m.facetId !== "country")!;
  const bought: MapAnswerCondition = {
    span: "people who bought candles",
    kind: "behaviour",
    negated: false,
    facet: null,
    values: [],
    event: "order",
    items: [{ facet: candle.facetId, values: [candle.value!] }],
    measure: "exists",
    op: null,
    value: null,
    value2: null,
    dateTag: null,
  };
  return {
    ops: [
      op({ op: "remove", span: "swap the big spenders", target: 1 }),
      op({ op: "add", span: "people who bought candles", condition: bought }),
    ],
    confidence: 0.85,
    unmapped: [],
  };
}

function router(answers: { cheap: unknown[]; strong?: unknown[] }) {
  const cfg = llmConfigFrom(
    parseEnv({
      OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
      LLM_MAP_MODEL: "cheap",
      LLM_MAP_STRONG_MODEL: "strong",
    }),
  )!;
  const fakes = {
    cheap: new FakeListChatModel({ responses: answers.cheap.map((a) => JSON.stringify(a)) }),
    strong: new FakeListChatModel({
      responses: (answers.strong ?? []).map((a) => JSON.stringify(a)),
    }),
  };
  const asked: string[] = [];
  const metrics = createLlmMetrics();
  const client = new LlmClient(cfg, {
    models: (m) => (asked.push(m), fakes[m as keyof typeof fakes]),
    cache: memoryCache({ ttlSeconds: 60, maxEntries: 10 }),
    budget: tokenBudget({ dailyTokens: 10_000, keyPrefix: "edit-test" }),
    metrics,
  });
  const skills = routedSkills(rulesSkills(), client, metrics, {
    routeBelowConfidence: cfg.routeBelowConfidence,
    model: cfg.mapModel,
    strongModel: cfg.mapStrongModel,
  });
  const understand = (text: string) =>
    skills.edit.understand(editInput(text), ctx) as Promise<EditPlan & { route: RouteDecision }>;
  return { understand, asked };
}

describe("the LLM edit skill behind the router", () => {
  it("leaves an edit the rules understand to the rules", async () => {
    const { understand, asked } = router({ cheap: [swapAnswer()] });
    const plan = await understand("make it France instead");
    expect(plan.route.tier).toBe("rules");
    expect(plan.ops.map((o) => o.op)).toEqual(["set_values"]);
    expect(asked).toEqual([]);
  });

  it("reads an edit the rules refuse into operations that apply, citing the model and the new version", async () => {
    const { understand, asked } = router({ cheap: [swapAnswer()] });
    const plan = await understand(SWAP);
    expect(asked).toEqual(["cheap"]);
    expect(plan.route).toMatchObject({ tier: "llm", reason: "llm_valid" });
    expect(plan.refusal).toBeNull();
    const root = applyOps(base.root, plan.ops);
    const conditions = conditionsOf(root);
    expect(conditions.map((c) => c.type)).toEqual(["attribute", "behaviour"]);
    expect(conditions[1]).toMatchObject({ measure: "exists" });
    expect(conditions[1]!.provenance).toMatchObject({ producer: "llm/edit@1 cheap", version: 2 });
  });

  it("rejects a target that is not a condition, a value not offered, and ops that empty the segment", async () => {
    const bad: EditAnswer[] = [
      { ...swapAnswer(), ops: [op({ op: "remove", span: "swap the big spenders", target: 5 })] },
      {
        ...swapAnswer(),
        ops: [
          op({ op: "set_values", span: "swap the big spenders", target: 0, values: ["Narnia"] }),
        ],
      },
      {
        ...swapAnswer(),
        ops: [
          op({ op: "remove", span: "swap the big spenders", target: 0 }),
          op({ op: "remove", span: "swap the big spenders", target: 1 }),
        ],
      },
    ];
    for (const answer of bad) {
      const { understand } = router({ cheap: [answer], strong: [answer] });
      const plan = await understand(SWAP);
      expect(plan.route).toMatchObject({ tier: "rules", fallback: "invalid_output" });
      expect(plan.refusal?.code).toBe("edit_no_target");
    }
  });
});
