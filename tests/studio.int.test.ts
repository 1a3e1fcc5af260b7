/**
 * LangGraph Studio's backend: `langgraphjs dev` (what `npm run studio` starts) serves the
 * graphs of `langgraph.json`, and a client drives a conversation through
 * `@langchain/langgraph-sdk` as Studio does: thread, run, interrupt, resume, then a follow-up
 * edit on the same thread and its versions. The server
 * runs offline as a child process and is stopped with every process it started.
 *
 * Bounded at 92 s in all: start ≤ 37 s, the tests ≤ 5 + 10 + 5 + 25 s, stop ≤ 10 s. A normal
 * run takes 10–20 s: ~5 s to start, ~2 s for the conversation, and 6–13 s (load-dependent)
 * for Studio's schema extraction, a TypeScript analysis of the graph that starts as soon as
 * the server answers and runs in a worker thread of the server alongside the runs.
 */
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ConversationStateType } from "../state/conversation-state.ts";
import type { Clarification } from "../state/graph-state.ts";
import { groupAlive, startDevServer, type DevServer } from "./support/dev-server.ts";

const GRAPH_ID = "conversation";

let server: DevServer | undefined;
let client: Client;
/** Studio asks for the graph's JSON schemas when it opens; extraction takes a few seconds. */
let schemas: Promise<Awaited<ReturnType<Client["assistants"]["getSchemas"]>>>;

beforeAll(async () => {
  server = await startDevServer({ readyTimeoutMs: 35_000 });
  console.info(`langgraphjs dev answered on ${server.url} after ${server.startupSeconds} s`);
  client = new Client({
    apiUrl: server.url,
    apiKey: null,
    timeoutMs: 30_000,
    callerOptions: { maxRetries: 0 },
  });
  // Extraction type-checks the graph's sources: on a loaded 2-core machine it has taken over
  // 30 s, so it gets a client of its own with a longer bound.
  schemas = new Client({
    apiUrl: server.url,
    apiKey: null,
    timeoutMs: 90_000,
    callerOptions: { maxRetries: 0 },
  }).assistants.getSchemas(GRAPH_ID);
  schemas.catch(() => undefined); // awaited (and reported) by its test
}, 37_000);

afterAll(async () => {
  await server?.stop(5_000);
}, 10_000);

beforeEach((ctx) => {
  ctx.onTestFailed(() => {
    console.error(`--- langgraphjs dev output ---\n${server?.output().slice(-8_000) ?? ""}`);
  });
});

describe("LangGraph dev server (Studio)", () => {
  it("serves the graph listed in langgraph.json", async () => {
    const assistants = await client.assistants.search({ graphId: GRAPH_ID });
    expect(assistants.map((a) => a.graph_id)).toEqual([GRAPH_ID]);
    const drawn = await client.assistants.getGraph(assistants[0]!.assistant_id);
    expect(drawn.nodes.map((n) => n.id)).toEqual(
      expect.arrayContaining(["perceiveMessage", "nsc", "dse", "awaitAnswer", "commitVersion"]),
    );
  }, 5_000);

  it("interrupts with a sized question, resumes with the chosen option, then edits it as version 2", async () => {
    const thread = await client.threads.create();
    const steps: string[] = [];
    let question: Clarification | undefined;
    for await (const chunk of client.runs.stream(thread.thread_id, GRAPH_ID, {
      input: { message: "loyal customers in France", tenant: "online-retail" },
      streamMode: "updates",
    })) {
      if (chunk.event === "error") throw new Error(JSON.stringify(chunk.data));
      if (chunk.event !== "updates") continue;
      for (const [key, value] of Object.entries(chunk.data as Record<string, unknown>)) {
        if (key === "__interrupt__") question = (value as { value: Clarification }[])[0]?.value;
        else steps.push(key);
      }
    }
    expect(steps.slice(0, 2)).toEqual(["perceiveMessage", "nsc"]);
    expect(steps).toContain("poseQuestion");
    expect(question?.question).toMatch(/loyal/);
    expect(question!.options.length).toBeGreaterThan(1);
    const option = question!.options[0]!;
    expect(option.size).toBeGreaterThan(0);

    const waiting = await client.threads.get(thread.thread_id);
    expect(waiting.status).toBe("interrupted");
    expect((await client.threads.getState(thread.thread_id)).next).toEqual(["awaitAnswer"]);

    const final = (await client.runs.wait(thread.thread_id, GRAPH_ID, {
      command: { resume: "1" },
    })) as ConversationStateType;
    expect(final.status).toBe("ok");
    expect(final.size).toBe(option.size);
    expect(final.request).toBe(option.request);
    expect(final.sql?.text).toMatch(/\$1/);
    expect(final.session).toMatchObject({ phase: "ready", version: 1 });
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");

    // A follow-up on the same thread edits the segment: version 2, with its diff.
    const edited = (await client.runs.wait(thread.thread_id, GRAPH_ID, {
      input: { message: "only the ones who bought candles" },
    })) as ConversationStateType;
    expect(edited.session).toMatchObject({ phase: "ready", version: 2 });
    expect(edited.lineage?.versions.map((v) => [v.version, v.kind])).toEqual([
      [1, "create"],
      [2, "edit"],
    ]);
    expect(edited.diff?.added).toHaveLength(1);
    expect(edited.size).toBeLessThan(option.size!);
  }, 10_000);

  it("runs a direct request on the default tenant and its as-of date", async () => {
    const thread = await client.threads.create();
    const final = (await client.runs.wait(thread.thread_id, GRAPH_ID, {
      input: { message: "customers from Ireland" },
    })) as ConversationStateType;
    expect(final.status).toBe("ok");
    expect(final.size).toBe(3);
    expect(final.tenant).toBe("online-retail");
    expect(final.asOf).toBe("2011-12-10");
  }, 5_000);

  it("gives Studio the input schema it renders as a form", async () => {
    const { input_schema } = await schemas;
    expect(Object.keys(input_schema?.properties ?? {})).toEqual(
      expect.arrayContaining(["message", "tenant", "asOf"]),
    );
  }, 95_000);

  it("stops with every process it started", async () => {
    const { pgid, url } = server!;
    await server!.stop(5_000);
    expect(groupAlive(pgid)).toBe(false);
    const answered = await fetch(`${url}/ok`, { signal: AbortSignal.timeout(2_000) })
      .then(() => true)
      .catch(() => false);
    expect(answered).toBe(false);
  }, 10_000);
});
