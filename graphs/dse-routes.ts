/** Pure routers of the DSE graph. */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { DseStateType } from "../state/conversation-state.ts";
import { afterValidation } from "./routes.ts";

/** An edit whose reading was already chosen (an answer, a revert) skips understanding. */
export function routeDseEntry(state: DseStateType): "understandEdit" | "applyEdit" {
  const plan = state.editPlan;
  const ready = plan && !plan.refusal && plan.choices.length === 0;
  return ready && (plan.decided || plan.ops.length > 0) ? "applyEdit" : "understandEdit";
}

export function routeAfterUnderstand(
  state: DseStateType,
): "applyEdit" | "prepareEditQuestion" | "reject" {
  if (state.status === "rejected" || !state.editPlan) return "reject";
  if (state.editPlan.choices.length > 0) return "prepareEditQuestion";
  return state.editPlan.ops.length || state.editPlan.decided ? "applyEdit" : "reject";
}

export function routeAfterApply(state: DseStateType): "validate" | "reject" {
  return state.status === "rejected" || !state.draft ? "reject" : "validate";
}

export function routeAfterEditValidate(
  state: DseStateType,
  config?: LangGraphRunnableConfig,
): "improve" | "prepareEditQuestion" | "formatSegment" | "reject" {
  const outcome = afterValidation(state, config);
  if (outcome === "rejected") return "reject";
  if (outcome === "valid") return "formatSegment";
  if (outcome === "improve") return "improve";
  // A contradiction between the segment and the edit is a question; anything else refuses.
  const errors = (state.findings ?? []).filter((f) => f.severity === "error");
  return errors.some((f) => f.code === "contradiction" && f.parts?.length === 2)
    ? "prepareEditQuestion"
    : "reject";
}

/** An edit that leaves no customer (when there were some) is confirmed before it is kept. */
export function routeAfterEditSize(state: DseStateType): "prepareEditQuestion" | "diffSegment" {
  const emptied = state.size === 0 && (state.baseSize ?? 0) > 0 && !state.confirmedEmpty;
  return emptied ? "prepareEditQuestion" : "diffSegment";
}
