/** Pure routers of the NSC graph. */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { nscConfigFrom } from "../state/config.ts";
import type { NscStateType } from "../state/graph-state.ts";
import { nextQuestion } from "../segment/questions.ts";

export function routeAfterPerceive(state: NscStateType): "findRecipes" | "__end__" {
  return state.status === "rejected" ? "__end__" : "findRecipes";
}

/**
 * What validation leaves a draft to do, for creation and editing alike: nothing wrong, fixable
 * errors while attempts are left, or errors that need the user (or end the turn).
 */
export function afterValidation(
  state: Pick<NscStateType, "status" | "findings" | "improveAttempts">,
  config?: LangGraphRunnableConfig,
): "rejected" | "valid" | "improve" | "unresolved" {
  if (state.status === "rejected") return "rejected";
  const { maxImproveAttempts } = nscConfigFrom(config?.configurable);
  const errors = (state.findings ?? []).filter((f) => f.severity === "error");
  if (errors.length === 0) return "valid";
  if ((state.improveAttempts ?? 0) < maxImproveAttempts && errors.every((f) => f.fixable))
    return "improve";
  return "unresolved";
}

export function routeAfterValidate(
  state: NscStateType,
  config?: LangGraphRunnableConfig,
): "improve" | "prepareQuestion" | "formatSegment" | "reject" {
  const outcome = afterValidation(state, config);
  if (outcome === "rejected") return "reject";
  if (outcome === "valid") return "formatSegment";
  if (outcome === "improve") return "improve";
  const { maxImproveAttempts } = nscConfigFrom(config?.configurable);
  return nextQuestion(state, maxImproveAttempts) ? "prepareQuestion" : "reject";
}

/** An earlier answer rewrote the request: understand it again; a real question ends the pass. */
export function routeAfterQuestion(state: NscStateType): "perceive" | "__end__" {
  return state.status === "rephrased" ? "perceive" : "__end__";
}
