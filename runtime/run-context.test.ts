import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { LangChainTracer } from "@langchain/core/tracers/tracer_langchain";
import {
  Annotation,
  Command,
  getConfig,
  interrupt,
  MemorySaver,
  StateGraph,
} from "@langchain/langgraph";
import { RunTree } from "langsmith";
import { describe, expect, it } from "vitest";
import { useLightRunContext } from "./run-context.ts";

const State = Annotation.Root({ answer: Annotation<string> });

/** A node that records what it runs under, then a question put with interrupt(). */
function graphRecording(seen: { store: unknown; threadId: unknown }[]) {
  return new StateGraph(State)
    .addNode("look", () => {
      seen.push({
        store: AsyncLocalStorageProviderSingleton.getInstance().getStore(),
        threadId: getConfig().configurable?.thread_id,
      });
      return {};
    })
    .addNode("ask", () => ({ answer: interrupt<string, string>("which one?") }))
    .addEdge("__start__", "look")
    .addEdge("look", "ask")
    .addEdge("ask", "__end__")
    .compile({ checkpointer: new MemorySaver() });
}

/** A LangSmith client that keeps the runs it is sent instead of posting them. */
function recordingClient() {
  const created: string[] = [];
  const client = {
    createRun: async (run: { name: string }) => void created.push(run.name),
    updateRun: async () => {},
  };
  return {
    created,
    client: client as unknown as ConstructorParameters<typeof RunTree>[0]["client"],
  };
}

describe("useLightRunContext", () => {
  it("without it, LangChain builds a RunTree around each node even with no tracer", async () => {
    const seen: { store: unknown; threadId: unknown }[] = [];
    await graphRecording(seen).invoke({}, { configurable: { thread_id: "before" } });
    expect(seen[0]!.store).toBeInstanceOf(RunTree);
  });

  it("with it and no tracer, a node runs under a plain carrier of its config", async () => {
    useLightRunContext();
    const seen: { store: unknown; threadId: unknown }[] = [];
    await graphRecording(seen).invoke({}, { configurable: { thread_id: "light" } });
    expect(seen[0]!.store).not.toBeInstanceOf(RunTree);
    expect(seen[0]!.store).toMatchObject({ tracingEnabled: false });
    expect(seen[0]!.threadId).toBe("light");
  });

  it("keeps interrupt() and resuming working", async () => {
    useLightRunContext();
    const graph = graphRecording([]);
    const config = { configurable: { thread_id: "question" } };
    await graph.invoke({}, config);
    const waiting = await graph.getState(config);
    expect(waiting.tasks[0]?.interrupts[0]?.value).toBe("which one?");
    const done = await graph.invoke(new Command({ resume: "the second" }), config);
    expect(done.answer).toBe("the second");
  });

  it("leaves tracing alone: with a LangSmith tracer the nodes run under RunTrees and are sent", async () => {
    useLightRunContext();
    const { created, client } = recordingClient();
    const tracer = new LangChainTracer({ client, projectName: "test" });
    const seen: { store: unknown; threadId: unknown }[] = [];
    await graphRecording(seen).invoke(
      {},
      { configurable: { thread_id: "traced" }, callbacks: [tracer] },
    );
    expect(seen[0]!.store).toBeInstanceOf(RunTree);
    expect(seen[0]!.threadId).toBe("traced");
    // The tracer posts each run as it starts; give the pending posts a turn to settle.
    await new Promise((r) => setTimeout(r, 50));
    expect(created).toEqual(expect.arrayContaining(["look", "ask"]));
  });
});
