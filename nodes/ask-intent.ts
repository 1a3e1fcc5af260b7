/**
 * Ask intent: a message that could change the current segment or start a new one ("German
 * customers instead") gets one question with both readings; the answer picks the flow.
 */
import { auditEntry } from "../state/graph-state.ts";
import type { ConversationStateType, ConversationUpdate } from "../state/conversation-state.ts";
import { currentVersion } from "../state/edit.ts";

export const EDIT_PICK = 0;
export const CREATE_PICK = 1;

export async function askIntent(state: ConversationStateType): Promise<ConversationUpdate> {
  const current = currentVersion(state.lineage);
  const message = state.text || state.message;
  return {
    pendingQuestion: {
      key: `intent:${state.turn}`,
      flow: "intent",
      question: `Should "${message}" change the current segment (version ${current?.version ?? "?"}, ${current?.size ?? "?"} customers), or start a new one?`,
      options: [
        {
          label: "Change the current segment",
          request: message,
          pick: EDIT_PICK,
          ...(current?.size != null ? { size: current.size } : {}),
        },
        { label: "Start a new segment", request: message, pick: CREATE_PICK },
      ],
    },
    status: "needs_clarification",
    request: message,
    audit: [auditEntry("askIntent", 0, { message })],
  };
}
