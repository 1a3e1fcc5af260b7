/**
 * Reject turn: the creation or the edit was refused (restricted facet, nothing to ask, an edit
 * that names nothing in the segment, too many questions). The session goes back to where it
 * stood — `ready` with the unchanged segment, or `rejected` when there is none — and nothing
 * is stored.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { nscConfigFrom } from "../state/config.ts";
import {
  sessionOf,
  type ConversationStateType,
  type ConversationUpdate,
} from "../state/conversation-state.ts";
import { auditEntry } from "../state/graph-state.ts";
import { transition } from "../state/session.ts";

export async function rejectTurn(
  state: ConversationStateType,
  config: LangGraphRunnableConfig,
): Promise<ConversationUpdate> {
  const { maxClarifications } = nscConfigFrom(config.configurable);
  const tooMany = state.status === "needs_clarification";
  const rejection = tooMany
    ? {
        code: "too_many_questions",
        message: `This turn has asked ${state.clarifications ?? 0} questions (the limit is ${maxClarifications}) and is still unclear. Rephrase the request in one sentence.`,
      }
    : (state.rejection ?? {
        code: "unresolved",
        message: "The request could not be turned into a valid segment.",
      });
  const session = transition(sessionOf(state), "reject");
  return {
    session,
    status: "rejected",
    rejection,
    pendingQuestion: null,
    turns: [
      ...(state.turns ?? []),
      {
        turn: state.turn ?? 1,
        message: state.message ?? "",
        intent: state.intent?.intent ?? "command",
        outcome: "rejected",
        version: session.version,
        code: rejection.code,
        at: new Date().toISOString(),
      },
    ],
    audit: [auditEntry("rejectTurn", 0, { code: rejection.code })],
  };
}
