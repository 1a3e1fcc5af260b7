import { END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { NscState } from "./graph-state.ts";

describe("NscState.audit reducer", () => {
  it("keeps the entries of both parallel branches instead of the last writer's", async () => {
    const entry = (step: string) => ({ step, ms: 1, at: "2011-12-10T00:00:00.000Z" });
    const graph = new StateGraph(NscState)
      .addNode("a", () => ({ audit: [entry("a")] }))
      .addNode("b", () => ({ audit: [entry("b")] }))
      .addNode("c", () => ({ audit: [entry("c")] }))
      .addEdge(START, "a")
      .addEdge(START, "b")
      .addEdge(["a", "b"], "c")
      .addEdge("c", END)
      .compile();
    const out = await graph.invoke({ audit: [entry("start")] });
    expect(out.audit.map((e) => e.step).sort()).toEqual(["a", "b", "c", "start"]);
  });
});
