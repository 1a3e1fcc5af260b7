/**
 * Pose question: the session enters `needs_clarification` and the turn counts the question,
 * before `awaitAnswer` interrupts — so a checkpoint taken while waiting says so.
 */
import type { ConversationStateType, ConversationUpdate } from "../state/conversation-state.ts";
import { sessionOf } from "../state/conversation-state.ts";
import { auditEntry } from "../state/graph-state.ts";
import { transition } from "../state/session.ts";

export async function poseQuestion(state: ConversationStateType): Promise<ConversationUpdate> {
  const q = state.pendingQuestion;
  if (!q) throw new Error("poseQuestion reached with no question");
  return {
    session: transition(sessionOf(state), "ask"),
    clarifications: (state.clarifications ?? 0) + 1,
    audit: [auditEntry("poseQuestion", 0, { key: q.key, flow: q.flow ?? "create" })],
  };
}
