import type { BaseMessage } from "@langchain/core/messages";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { describe, expect, it } from "vitest";
import { llmConfigFrom, parseEnv } from "../../state/config.ts";
import type { Recipe } from "../../state/recipes.ts";
import type { RuleNode } from "../../state/segment.ts";
import { parseRequest, skillContext, testTenant } from "../rules/testing.ts";
import { tokenBudget } from "./budget.ts";
import { memoryCache } from "./cache.ts";
import { LlmClient } from "./client.ts";
import { examplesFor, shippedExamples } from "./examples.ts";
import { llmShortlist, type LinkAnswer } from "./link.ts";
import { createLlmMetrics } from "./metrics.ts";
import { linkExample, wordsIn } from "./recipe-examples.ts";

const tenant = testTenant("online-retail");

/** A recipe as the finder returns it: a saved segment the rules made from `request`. */
function recipe(request: string, segmentId = "seg-1"): Recipe {
  const parsed = parseRequest(request);
  if (!parsed.root) throw new Error(`the rules made no segment of "${request}"`);
  return recipeOf(parsed.text, parsed.root, segmentId);
}

function recipeOf(request: string, root: RuleNode, segmentId = "seg-1"): Recipe {
  return {
    segmentId,
    name: "saved",
    request,
    size: 12,
    savedBy: "key:k1",
    score: 0.8,
    definition: { version: 1, tenant: "online-retail", asOf: "2011-12-10", request, root },
  };
}

describe("link examples from a tenant's recipes", () => {
  it("links each condition's words to its facet and values, as the shipped examples do", () => {
    expect(
      linkExample(recipe("German or Swiss customers who bought mugs"), tenant.catalog),
    ).toEqual({
      request: "German or Swiss customers who bought mugs",
      candidates: [
        { index: 0, facet: "country", value: "Germany", label: "Germany" },
        { index: 1, facet: "country", value: "Switzerland", label: "Switzerland" },
        {
          index: 2,
          facet: "product_word",
          value: "mug",
          label: '"mug" in the product name',
        },
      ],
      answer: {
        links: [
          { span: "German", candidate: 0 },
          { span: "Swiss", candidate: 1 },
          { span: "mugs", candidate: 2 },
        ],
        confidence: 0.9,
        unmapped: [],
      },
    });
  });

  it("links the measure a behaviour compares by the word that names it", () => {
    const ex = linkExample(recipe("UK customers who spent over £10,000"), tenant.catalog)!;
    const answer = ex.answer as LinkAnswer;
    const linked = answer.links.map((l) => [
      l.span,
      (ex.candidates as { facet: string }[])[l.candidate]!.facet,
    ]);
    expect(linked).toEqual([
      ["UK", "country"],
      ["spent", "spend"],
    ]);
  });

  it("leaves out conditions whose words are not the request's (defaults, edits)", () => {
    const root: RuleNode = {
      type: "attribute",
      facet: "country",
      op: "in",
      values: ["France"],
      provenance: {
        span: "make it France",
        start: 0,
        end: 14,
        source: "user",
        confidence: 1,
        producer: "rules/edit@1",
        version: 2,
      },
    };
    expect(linkExample(recipeOf("customers in Spain", root), tenant.catalog)).toBeNull();
  });

  it("finds whole words, as typed, case-insensitively", () => {
    expect(wordsIn("who bought Mugs today", ["mug"])).toBe("Mugs");
    expect(wordsIn("who bought smugglers", ["mug"])).toBeUndefined();
    expect(wordsIn("in Spain", ["France"])).toBeUndefined();
  });

  it("puts a recipe's example in front of the shipped set for linking only", () => {
    const ctx = { ...skillContext(tenant), recipes: [recipe("Belgian shoppers who bought mugs")] };
    const text = "customers who spent a lot on candles";
    const link = examplesFor("link", text, ctx);
    expect(link.map((e) => e.request)).toEqual([
      "Belgian shoppers who bought mugs",
      // The shipped example most like the request fills the other place.
      "customers who spent a lot on candles",
    ]);
    expect(examplesFor("decompose", text, ctx)).toEqual(
      examplesFor("decompose", text, skillContext(tenant)),
    );
    expect(shippedExamples("link").map((e) => e.request)).toContain(link[1]!.request);
  });
});

/** A fake chat model that keeps the user message (the input, as JSON) of every call. */
class RecordingModel extends FakeListChatModel {
  prompts: string[] = [];
  override async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]) {
    this.prompts.push(String(messages[messages.length - 1]!.content));
    return super._generate(messages, options);
  }
}

describe("the LLM linking prompt", () => {
  it("carries the tenant's recipe as a solved example", async () => {
    const cfg = llmConfigFrom(
      parseEnv({ OPENAI_BASE_URL: "http://127.0.0.1:9/v1", LLM_LINK_MODEL: "m" }),
    )!;
    const answer: LinkAnswer = { links: [], confidence: 0.5, unmapped: [] };
    const model = new RecordingModel({ responses: [JSON.stringify(answer)] });
    const client = new LlmClient(cfg, {
      models: () => model,
      cache: memoryCache({ ttlSeconds: 60, maxEntries: 10 }),
      budget: tokenBudget({ dailyTokens: 100_000, keyPrefix: "test" }),
      metrics: createLlmMetrics(),
    });
    const request = parseRequest("Irish shoppers who bought lanterns");
    const saved = recipe("Belgian shoppers who bought mugs");
    await llmShortlist(
      client,
      "m",
      request.text,
      request.subSegments,
      { mentions: request.mentions, producer: "test" },
      { ...skillContext(tenant), recipes: [saved] },
    );
    expect(model.prompts).toHaveLength(1);
    const input = JSON.parse(model.prompts[0]!) as {
      examples: { request: string; answer: LinkAnswer }[];
    };
    expect(input.examples[0]).toEqual(linkExample(saved, tenant.catalog));
    expect(input.examples[0]!.answer.links).toContainEqual({ span: "Belgian", candidate: 0 });
  });
});
