import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHECKPOINT_SCHEMA, createCheckpointer } from "./checkpointer.ts";
import { createTestDatabase } from "./testing/test-database.ts";
import type { TestDatabase } from "./testing/test-database.ts";

const State = Annotation.Root({
  request: Annotation<string>(),
  steps: Annotation<string[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }),
});

function buildGraph(checkpointer: BaseCheckpointSaver) {
  return new StateGraph(State)
    .addNode("interpret", (state) => ({ steps: [`interpreted: ${state.request}`] }))
    .addEdge(START, "interpret")
    .addEdge("interpret", END)
    .compile({ checkpointer });
}

describe("createCheckpointer", () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await testDb.dispose();
  });

  it("sets up concurrently from several pools without clashing", async () => {
    const pools = [testDb.newPool(), testDb.newPool(), testDb.newPool()];
    await Promise.all(pools.map((pool) => createCheckpointer(pool)));
    const { rows } = await pools[0]!.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = $1 order by 1",
      [CHECKPOINT_SCHEMA],
    );
    expect(rows.map((r) => r.table_name)).toEqual([
      "checkpoint_blobs",
      "checkpoint_migrations",
      "checkpoint_writes",
      "checkpoints",
    ]);
  });

  it("returns one saver per pool", async () => {
    const pool = testDb.newPool();
    const [a, b] = await Promise.all([createCheckpointer(pool), createCheckpointer(pool)]);
    expect(a).toBe(b);
  });

  it("round-trips a graph's state through a second saver on a new pool", async () => {
    const writer = await createCheckpointer(testDb.newPool());
    const config = { configurable: { thread_id: "thread-roundtrip" } };
    const result = await buildGraph(writer).invoke({ request: "UK buyers" }, config);
    expect(result.steps).toEqual(["interpreted: UK buyers"]);

    const reader = await createCheckpointer(testDb.newPool());
    expect(reader).not.toBe(writer);
    const snapshot = await buildGraph(reader).getState(config);
    expect(snapshot.values).toEqual({ request: "UK buyers", steps: ["interpreted: UK buyers"] });
    expect(snapshot.next).toEqual([]);

    const tuple = await reader.getTuple(config);
    expect(tuple?.checkpoint.id).toBe(snapshot.config.configurable?.checkpoint_id);
    const history = [];
    for await (const item of reader.list(config)) history.push(item);
    expect(history.length).toBeGreaterThanOrEqual(2);

    // The thread continues from the stored state.
    const again = await buildGraph(reader).invoke({ request: "FR buyers" }, config);
    expect(again.steps).toEqual(["interpreted: UK buyers", "interpreted: FR buyers"]);
  });

  it("settled() resolves only after the thread's checkpoint writes in flight are stored", async () => {
    const saver = await createCheckpointer(testDb.newPool());
    const config = { configurable: { thread_id: "thread-settling" } };
    await buildGraph(saver).invoke({ request: "DE buyers" }, config);
    const first = (await saver.getTuple(config))!;
    // A write nobody awaits, as LangGraph leaves one when a run's reader goes away.
    const next = { ...first.checkpoint, id: "1ffffffff-ffff-6fff-8fff-ffffffffffff" };
    const write = saver.put(first.config, next, first.metadata!, {});
    await saver.settled("thread-settling");
    expect((await saver.getTuple(config))?.checkpoint.id).toBe(next.id);
    await write;
    // Another thread's writes are not waited for: nothing is in flight for it.
    await expect(saver.settled("thread-idle")).resolves.toBeUndefined();
  });
});
