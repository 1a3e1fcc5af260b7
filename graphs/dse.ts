/**
 * Direct Segment Editing: an edit message and the current version -> the next version's
 * definition, sized, with its diff; or the question that must be answered first, or why the
 * edit cannot apply. A subgraph of the conversation (graphs/conversation.ts), which records
 * the version. Validation and improvement are creation's own nodes.
 * Wiring only; each node lives in nodes/, each router in graphs/dse-routes.ts.
 */
import { END, START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import { applyEdit } from "../nodes/apply-edit.ts";
import { diffSegment } from "../nodes/diff-segment.ts";
import { estimateSize } from "../nodes/estimate-size.ts";
import { formatSegment } from "../nodes/format-segment.ts";
import { improve } from "../nodes/improve.ts";
import { prepareEditQuestion } from "../nodes/prepare-edit-question.ts";
import { reject } from "../nodes/reject.ts";
import { understandEdit } from "../nodes/understand-edit.ts";
import { validate } from "../nodes/validate.ts";
import { DseState } from "../state/conversation-state.ts";
import {
  routeAfterApply,
  routeAfterEditSize,
  routeAfterEditValidate,
  routeAfterUnderstand,
  routeDseEntry,
} from "./dse-routes.ts";

export const dseBuilder = new StateGraph(DseState)
  .addNode("understandEdit", understandEdit)
  .addNode("applyEdit", applyEdit)
  .addNode("validate", validate)
  .addNode("improve", improve)
  .addNode("prepareEditQuestion", prepareEditQuestion)
  .addNode("reject", reject)
  .addNode("formatSegment", formatSegment)
  .addNode("estimateSize", estimateSize)
  .addNode("diffSegment", diffSegment)
  // An answer that picked a reading (or a revert) comes with its operations decided.
  .addConditionalEdges(START, routeDseEntry, ["understandEdit", "applyEdit"])
  .addConditionalEdges("understandEdit", routeAfterUnderstand, [
    "applyEdit",
    "prepareEditQuestion",
    "reject",
  ])
  .addConditionalEdges("applyEdit", routeAfterApply, ["validate", "reject"])
  // The edited tree is checked exactly as a created one.
  .addConditionalEdges("validate", routeAfterEditValidate, [
    "improve",
    "prepareEditQuestion",
    "formatSegment",
    "reject",
  ])
  .addEdge("improve", "validate")
  .addEdge("formatSegment", "estimateSize")
  .addConditionalEdges("estimateSize", routeAfterEditSize, ["prepareEditQuestion", "diffSegment"])
  .addEdge("diffSegment", END)
  .addEdge("prepareEditQuestion", END)
  .addEdge("reject", END);

/** Without a checkpointer: a host supplies its own. */
export const graph = dseBuilder.compile();
graph.name = "Direct Segment Editing";

export function createDseGraph(checkpointer: BaseCheckpointSaver) {
  const compiled = dseBuilder.compile({ checkpointer });
  compiled.name = "Direct Segment Editing";
  return compiled;
}
