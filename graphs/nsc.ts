/**
 * New Segment Creation: request -> validated, sized segment definition, or the question that
 * must be answered first. A subgraph of the conversation (graphs/conversation.ts), which puts
 * the question to the user and runs this graph again on the rewritten request.
 * Wiring only; each node lives in nodes/, each router in graphs/routes.ts.
 */
import { END, START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import { NscState } from "../state/graph-state.ts";
import { decompose } from "../nodes/decompose.ts";
import { estimateSize } from "../nodes/estimate-size.ts";
import { findRecipes } from "../nodes/find-recipes.ts";
import { formatSegment } from "../nodes/format-segment.ts";
import { improve } from "../nodes/improve.ts";
import { mapFacets } from "../nodes/map-facets.ts";
import { perceive } from "../nodes/perceive.ts";
import { prepareQuestion } from "../nodes/prepare-question.ts";
import { reject } from "../nodes/reject.ts";
import { shortlistFacets } from "../nodes/shortlist-facets.ts";
import { tagDates } from "../nodes/tag-dates.ts";
import { validate } from "../nodes/validate.ts";
import { routeAfterPerceive, routeAfterQuestion, routeAfterValidate } from "./routes.ts";

/**
 * Creation's wiring. `languageSteps: "sequential"` runs date tagging and catalog linking one
 * after the other instead of side by side — the same steps, for bench/llm-latency.ts to
 * measure what the parallel wiring saves when each step waits on a model.
 */
export function buildNsc(opts: { languageSteps: "parallel" | "sequential" }) {
  const graph = new StateGraph(NscState)
    .addNode("perceive", perceive)
    .addNode("findRecipes", findRecipes)
    .addNode("decompose", decompose)
    .addNode("tagDates", tagDates)
    .addNode("shortlistFacets", shortlistFacets)
    .addNode("mapFacets", mapFacets)
    .addNode("validate", validate)
    .addNode("improve", improve)
    .addNode("prepareQuestion", prepareQuestion)
    .addNode("reject", reject)
    .addNode("formatSegment", formatSegment)
    .addNode("estimateSize", estimateSize)
    .addEdge(START, "perceive")
    // Rejected input (empty, SQL, injection, out of scope) ends before any parsing.
    .addConditionalEdges("perceive", routeAfterPerceive, ["findRecipes", END])
    // Saved segments like the request come first: the LLM tier's parsing steps show them as
    // examples, and the result suggests them.
    .addEdge("findRecipes", "decompose");
  const linked =
    opts.languageSteps === "parallel"
      ? // Dates and catalog linking need only the sub-segments, so they run in parallel.
        graph
          .addEdge("decompose", "tagDates")
          .addEdge("decompose", "shortlistFacets")
          .addEdge(["tagDates", "shortlistFacets"], "mapFacets")
      : graph
          .addEdge("decompose", "tagDates")
          .addEdge("tagDates", "shortlistFacets")
          .addEdge("shortlistFacets", "mapFacets");
  return (
    linked
      .addEdge("mapFacets", "validate")
      .addConditionalEdges("validate", routeAfterValidate, [
        "improve",
        "prepareQuestion",
        "formatSegment",
        "reject",
      ])
      .addEdge("improve", "validate")
      // A question answered in an earlier turn rewrites the request at once; a new one ends
      // the pass, and the conversation asks it and runs this graph again on the answer.
      .addConditionalEdges("prepareQuestion", routeAfterQuestion, ["perceive", END])
      .addEdge("reject", END)
      .addEdge("formatSegment", "estimateSize")
      .addEdge("estimateSize", END)
  );
}

export const nscBuilder = buildNsc({ languageSteps: "parallel" });

/** Without a checkpointer: a host supplies its own (`graphs/studio.ts` serves langgraph.json). */
export const graph = nscBuilder.compile();
graph.name = "New Segment Creation";

/** For the CLI and the server: checkpoints in Postgres so a run resumes in any process. */
export function createNscGraph(checkpointer: BaseCheckpointSaver) {
  const compiled = nscBuilder.compile({ checkpointer });
  compiled.name = "New Segment Creation";
  return compiled;
}
