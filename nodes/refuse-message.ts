/**
 * Refuse message: a message that cannot be taken (unsafe, unreadable, or asking to edit when
 * there is nothing to edit) ends the turn with its reason. No segment changes: a thread that
 * holds one stays ready with it; one that holds none is rejected.
 */
import {
  sessionOf,
  type ConversationStateType,
  type ConversationUpdate,
} from "../state/conversation-state.ts";
import { auditEntry } from "../state/graph-state.ts";
import { canApply, transition } from "../state/session.ts";

export async function refuseMessage(state: ConversationStateType): Promise<ConversationUpdate> {
  const rejection = state.rejection ?? { code: "refused", message: "The message was refused." };
  const session = sessionOf(state);
  return {
    session: canApply(session, "reject") ? transition(session, "reject") : session,
    status: "rejected",
    rejection,
    turns: [
      ...(state.turns ?? []),
      {
        turn: state.turn ?? 1,
        message: state.message ?? "",
        intent: "refused",
        outcome: "rejected",
        version: state.session?.version ?? null,
        code: rejection.code,
        at: new Date().toISOString(),
      },
    ],
    audit: [auditEntry("refuseMessage", 0, { code: rejection.code })],
  };
}
