/** Pure routers of the NSC graph. */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { nscConfigFrom } from "../state/config.ts";
import type { NscStateType } from "../state/graph-state.ts";
import { nextQuestion } from "../segment/questions.ts";

export function routeAfterPerceive(state: NscStateType): "decompose" | "__end__" {
  return state.status === "rejected" ? "__end__" : "decompose";
}

export function routeAfterValidate(
  state: NscStateType,
  config?: LangGraphRunnableConfig,
): "improve" | "prepareQuestion" | "formatSegment" | "reject" {
  if (state.status === "rejected") return "reject";
  const { maxImproveAttempts } = nscConfigFrom(config?.configurable);
  const errors = (state.findings ?? []).filter((f) => f.severity === "error");
  if (errors.length === 0) return "formatSegment";
  if ((state.improveAttempts ?? 0) < maxImproveAttempts && errors.every((f) => f.fixable))
    return "improve";
  return nextQuestion(state, maxImproveAttempts) ? "prepareQuestion" : "reject";
}

/** An earlier answer rewrote the request: understand it again; a real question ends the pass. */
export function routeAfterQuestion(state: NscStateType): "perceive" | "__end__" {
  return state.status === "rephrased" ? "perceive" : "__end__";
}
