/** Pure routers of the conversation graph; they read the session's state machine. */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { nscConfigFrom } from "../state/config.ts";
import {
  questionWaits,
  sessionOf,
  type ConversationStateType,
} from "../state/conversation-state.ts";

export function routeAfterIntent(
  state: ConversationStateType,
): "nsc" | "dse" | "explainSegment" | "askIntent" | "refuseMessage" {
  if (state.status === "rejected") return "refuseMessage";
  const session = sessionOf(state);
  if (session.phase === "understanding") return "nsc";
  if (session.phase === "editing") return "dse";
  // The session did not move: the message is a question about the segment, or unclear.
  return state.intent?.intent === "unclear" ? "askIntent" : "explainSegment";
}

export function routeAfterTurn(
  state: ConversationStateType,
  config?: LangGraphRunnableConfig,
): "poseQuestion" | "commitVersion" | "rejectTurn" {
  const { maxClarifications } = nscConfigFrom(config?.configurable);
  if (state.status === "needs_clarification" && state.pendingQuestion)
    return (state.clarifications ?? 0) < maxClarifications ? "poseQuestion" : "rejectTurn";
  if (state.status === "ok" && state.segment) return "commitVersion";
  return "rejectTurn";
}

/** After a refusal or an explanation: a question that was waiting is put again. */
export function routeAfterAside(state: ConversationStateType): "awaitAnswer" | "__end__" {
  return questionWaits(sessionOf(state), state.pendingQuestion) ? "awaitAnswer" : "__end__";
}

export function routeAfterAnswer(state: ConversationStateType): "nsc" | "dse" {
  return sessionOf(state).phase === "editing" ? "dse" : "nsc";
}
