import { Annotation, Command, END, START, StateGraph, interrupt } from "@langchain/langgraph";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchedPostgresSaver } from "./batched-saver.ts";
import { CHECKPOINT_SCHEMA, createCheckpointer } from "./checkpointer.ts";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.ts";

const State = Annotation.Root({
  request: Annotation<string>(),
  steps: Annotation<string[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }),
  answer: Annotation<string | null>({ reducer: (_, b) => b, default: () => null }),
});

/** A fan-out (two writers of one channel in a step), an interrupt, and a resume. */
function buildGraph(checkpointer: BaseCheckpointSaver) {
  return new StateGraph(State)
    .addNode("read", (s) => ({ steps: [`read ${s.request}`] }))
    .addNode("dates", () => ({ steps: ["dates"] }))
    .addNode("facets", () => ({ steps: ["facets"] }))
    .addNode("ask", () => ({ answer: interrupt<string, string>("which one?") }))
    .addEdge(START, "read")
    .addEdge("read", "dates")
    .addEdge("read", "facets")
    .addEdge(["dates", "facets"], "ask")
    .addEdge("ask", END)
    .compile({ checkpointer });
}

/** What a thread's history holds, without ids and times that differ between runs. */
async function history(saver: BaseCheckpointSaver, thread: string) {
  const out = [];
  for await (const t of saver.list({ configurable: { thread_id: thread } })) {
    out.push({
      values: t.checkpoint.channel_values,
      step: t.metadata?.step,
      source: t.metadata?.source,
      // Interrupt ids hash the thread's own ids: the rest must match.
      writes: (t.pendingWrites ?? [])
        .map(([, channel, value]) => [channel, JSON.stringify(value).replace(/"id":"\w+"/g, "")])
        .sort(),
    });
  }
  return out;
}

describe("BatchedPostgresSaver", () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await testDb.dispose();
  });

  it("stores what the library's saver stores, a write per statement, and resumes from an interrupt", async () => {
    const pool = testDb.newPool();
    await createCheckpointer(pool); // sets the schema up
    const library = new PostgresSaver(pool, undefined, { schema: CHECKPOINT_SCHEMA });
    const batched = new BatchedPostgresSaver(pool, CHECKPOINT_SCHEMA);
    const statements: string[] = [];
    const query = pool.query.bind(pool);
    pool.query = ((...args: Parameters<typeof pool.query>) => {
      statements.push(String(typeof args[0] === "string" ? args[0] : ""));
      return query(...args);
    }) as typeof pool.query;

    for (const [saver, thread] of [
      [library, "library"],
      [batched, "batched"],
    ] as const) {
      const config = { configurable: { thread_id: thread } };
      const asked = await buildGraph(saver).invoke({ request: "UK" }, config);
      const waiting = asked as { __interrupt__?: { value: unknown }[] };
      expect(waiting.__interrupt__?.[0]?.value).toBe("which one?");
      const done = await buildGraph(saver).invoke(new Command({ resume: "France" }), config);
      expect(done).toMatchObject({ answer: "France", steps: ["read UK", "dates", "facets"] });
    }
    expect(await history(batched, "batched")).toEqual(await history(library, "library"));
    // The batched saver's writes went through pool.query, one statement each, no BEGIN.
    expect(statements.length).toBeGreaterThan(4);
    expect(statements.some((s) => /^\s*begin/i.test(s))).toBe(false);
    expect(statements.some((s) => /checkpoint_blobs/.test(s) && /with blobs/.test(s))).toBe(true);
  });

  it("falls back to the library for writes that share a key, keeping its result", async () => {
    const pool = testDb.newPool();
    const saver = new BatchedPostgresSaver(pool, CHECKPOINT_SCHEMA);
    const config = { configurable: { thread_id: "dup", checkpoint_ns: "", checkpoint_id: "c1" } };
    // Two interrupts of one task share idx -3: one statement could not write both.
    await saver.putWrites(
      config,
      [
        ["__interrupt__", "first"],
        ["__interrupt__", "second"],
      ],
      "task-1",
    );
    const { rows } = await pool.query<{ n: string }>(
      `select count(*) as n from ${CHECKPOINT_SCHEMA}.checkpoint_writes where thread_id = 'dup'`,
    );
    expect(Number(rows[0]!.n)).toBe(1);
  });

  // A turn retried from the thread's stable checkpoint after a cut forks the thread: both
  // branches write the same channels the same number of steps on. With the inherited integer
  // versions the second branch's blob collided with the first's and was dropped, and the retry
  // read back the cut run's values.
  it("keeps each branch's values when two runs fork from the same checkpoint", async () => {
    const pool = testDb.newPool();
    const saver = new BatchedPostgresSaver(pool, CHECKPOINT_SCHEMA);
    const graph = new StateGraph(State)
      .addNode("read", (s) => ({ answer: `read ${s.request}` }))
      .addEdge(START, "read")
      .addEdge("read", END)
      .compile({ checkpointer: saver });
    const config = { configurable: { thread_id: "fork" } };
    await graph.invoke({ request: "UK" }, config);
    const base = (await graph.getState(config)).config.configurable?.checkpoint_id as string;
    const fork = { configurable: { thread_id: "fork", checkpoint_id: base } };
    await graph.invoke({ request: "France" }, fork);
    await graph.invoke({ request: "Germany" }, fork);
    expect((await graph.getState(config)).values).toMatchObject({ answer: "read Germany" });
    const ends: string[] = [];
    for await (const s of graph.getStateHistory(config)) {
      if (s.metadata?.source === "loop" && s.next.length === 0)
        ends.push((s.values as { answer: string }).answer);
    }
    expect(ends).toEqual(["read Germany", "read France", "read UK"]);
  });
});
