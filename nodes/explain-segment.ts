/**
 * Explain segment: a question about the current segment ("what's in it?") is answered from
 * its latest version — conditions in plain words with where each came from, and its size.
 * Nothing changes.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { requireContext, tenantOf } from "../state/context.ts";
import {
  sessionOf,
  type ConversationStateType,
  type ConversationUpdate,
} from "../state/conversation-state.ts";
import { currentVersion } from "../state/edit.ts";
import { timed } from "../state/audit-entry.ts";
import { transition } from "../state/session.ts";
import { formatAmounts } from "../segment/currency.ts";
import { explainTree } from "../segment/explain.ts";
import { memoryFrom } from "../state/memory.ts";

export async function explainSegment(
  state: ConversationStateType,
  config: LangGraphRunnableConfig,
): Promise<ConversationUpdate> {
  const ctx = requireContext(config);
  const current = currentVersion(state.lineage);
  if (!current) throw new Error("explainSegment needs a current version");
  const tenant = tenantOf(ctx, state.tenant);
  const prefs = ctx.memory
    ? await ctx.memory.preferences(memoryFrom(config.configurable, state.tenant).subject)
    : {};
  const { result, audit } = await timed("explainSegment", () =>
    explainTree(current.segment.root, tenant.catalog).map((line) =>
      formatAmounts(line, prefs.currency),
    ),
  );
  return {
    explanation: result,
    session: transition(sessionOf(state), "explain"),
    status: "ok",
    turns: [
      ...(state.turns ?? []),
      {
        turn: state.turn ?? 1,
        message: state.message ?? "",
        intent: "explain",
        outcome: "unchanged",
        version: current.version,
        at: new Date().toISOString(),
      },
    ],
    audit,
  };
}
