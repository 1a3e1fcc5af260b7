import { CircuitState } from "cockatiel";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { FakeOpenAI } from "../../tests/support/fake-openai.ts";
import { llmConfigFrom, parseEnv } from "../../state/config.ts";
import { tokenBudget } from "./budget.ts";
import { memoryCache } from "./cache.ts";
import { LlmClient } from "./client.ts";
import { openAiModels } from "./index.ts";
import { createLlmMetrics } from "./metrics.ts";
import { loadPrompt } from "./prompts.ts";

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await FakeOpenAI.start();
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

const Answer = z.object({ n: z.number() });
const prompt = loadPrompt("map", 1);

function client(env: Record<string, string> = {}, dailyTokens = 10_000) {
  const cfg = llmConfigFrom(
    parseEnv({
      OPENAI_BASE_URL: fake.url,
      LLM_RETRY_BASE_MS: "5",
      // Generous: a loaded machine must not turn a scripted answer into a timeout.
      LLM_TIMEOUT_MS: "10000",
      LLM_PRICES: '{"priced": {"input": 1, "output": 2}}',
      ...env,
    }),
  )!;
  const metrics = createLlmMetrics();
  const c = new LlmClient(cfg, {
    models: openAiModels(cfg),
    cache: memoryCache({ ttlSeconds: 60, maxEntries: 10 }),
    budget: tokenBudget({ dailyTokens, keyPrefix: `t${Math.random()}` }),
    metrics,
  });
  let n = 0;
  const call = (model = "priced", input: unknown = { n: n++ }) =>
    c.call({
      tenant: "acme",
      prompt,
      system: "test",
      input,
      schema: Answer,
      model,
      read: (a) => ({ ok: true as const, value: a.n }),
    });
  return { client: c, call, metrics };
}

describe("model calls", () => {
  it("keeps running totals of calls sent, cache hits, tokens and cost", async () => {
    const { client: c, call } = client();
    fake.enqueue({ answer: { n: 1 }, usage: { in: 1000, out: 500 } }, { status: 400 });
    await call("priced", { n: 1 });
    await call("priced", { n: 1 });
    await call("priced", { n: 2 });
    expect(c.totals).toEqual({ calls: 2, cached: 1, tokens: 1500, costUsd: 0.002 });
  });

  it("counts tokens and prices them from the table", async () => {
    const { call, metrics } = client();
    fake.enqueue({ answer: { n: 7 }, usage: { in: 1000, out: 500 } });
    const r = await call();
    expect(r).toMatchObject({ ok: true, value: 7, record: { tokensIn: 1000, tokensOut: 500 } });
    expect(r.record.costUsd).toBeCloseTo(0.002, 9);
    const tokens = await metrics.tokens.get();
    expect(tokens.values.map((v) => [v.labels.direction, v.value])).toEqual([
      ["in", 1000],
      ["out", 500],
    ]);
  });

  it("retries a 500 and a 429 with backoff, up to LLM_MAX_RETRIES", async () => {
    const { call } = client({ LLM_MAX_RETRIES: "2" });
    fake.enqueue({ status: 500 }, { status: 429 }, { answer: { n: 1 } });
    expect(await call()).toMatchObject({ ok: true, value: 1 });
    expect(fake.requests).toHaveLength(3);
    fake.enqueue({ status: 503 }, { status: 503 }, { status: 503 }, { answer: { n: 2 } });
    expect(await call()).toMatchObject({ ok: false, reason: "server_error" });
    expect(fake.requests).toHaveLength(6);
  });

  it("does not retry a 400, a timeout or a bad answer", async () => {
    const { call } = client();
    fake.enqueue({ status: 400 });
    expect(await call()).toMatchObject({ ok: false, reason: "client_error" });
    const short = client({ LLM_TIMEOUT_MS: "300" });
    fake.enqueue({ hangMs: 3_000, then: { answer: { n: 1 } } });
    expect(await short.call()).toMatchObject({ ok: false, reason: "timeout" });
    fake.enqueue({ malformed: "{oops" });
    expect(await call()).toMatchObject({ ok: false, reason: "invalid_output" });
    fake.enqueue({ answer: { n: "seven" } });
    expect(await call()).toMatchObject({ ok: false, reason: "invalid_output" });
    expect(fake.requests).toHaveLength(4);
  });

  it("answers a forced tool call as well as a json_schema response format", async () => {
    const { call } = client({ LLM_STRUCTURED_METHOD: "functionCalling" });
    fake.enqueue({ answer: { n: 3 } });
    expect(await call()).toMatchObject({ ok: true, value: 3 });
    expect(fake.requests[0]!.method).toBe("functionCalling");
  });

  it("opens the endpoint's breaker after consecutive failures and stops calling", async () => {
    const { call, client: c } = client({ LLM_MAX_RETRIES: "0", LLM_BREAKER_FAILURES: "3" });
    fake.respond(() => ({ status: 500 }));
    for (let i = 0; i < 3; i++) expect(await call()).toMatchObject({ reason: "server_error" });
    expect(c.breakerState()).toBe(CircuitState.Open);
    expect(await call()).toMatchObject({ ok: false, reason: "breaker_open" });
    expect(fake.requests).toHaveLength(3);
  });

  it("lets a trial call through once the breaker half-opens, and closes on success", async () => {
    const { call, client: c } = client({
      LLM_MAX_RETRIES: "0",
      LLM_BREAKER_FAILURES: "1",
      LLM_BREAKER_HALF_OPEN_MS: "50",
    });
    fake.enqueue({ status: 500 });
    await call();
    expect(c.breakerState()).toBe(CircuitState.Open);
    await new Promise((r) => setTimeout(r, 80));
    fake.enqueue({ answer: { n: 5 } });
    expect(await call()).toMatchObject({ ok: true, value: 5 });
    expect(c.breakerState()).toBe(CircuitState.Closed);
  });

  it("stops calling for a tenant once its daily tokens are spent", async () => {
    const { call } = client({}, 150);
    fake.respond(() => ({ answer: { n: 1 }, usage: { in: 100, out: 60 } }));
    expect(await call()).toMatchObject({ ok: true });
    expect(await call()).toMatchObject({ ok: false, reason: "over_budget" });
    expect(fake.requests).toHaveLength(1);
  });

  it("treats a reader that throws as an invalid answer, not as a failed request", async () => {
    const { client: c } = client();
    fake.enqueue({ answer: { n: 1 } });
    const r = await c.call({
      tenant: "acme",
      prompt,
      system: "test",
      input: { throws: true },
      schema: Answer,
      model: "priced",
      read: () => {
        throw new TypeError("a case nobody foresaw");
      },
    });
    expect(r).toMatchObject({ ok: false, reason: "invalid_output" });
  });

  it("reuses an answer for the same input and model, not for another model", async () => {
    const { call } = client();
    fake.respond(() => ({ answer: { n: 9 } }));
    await call("priced", { same: true });
    const again = await call("priced", { same: true });
    expect(again.record.cached).toBe(true);
    await call("other", { same: true });
    expect(fake.requests.map((r) => r.model)).toEqual(["priced", "other"]);
  });
});
