/** Diff segment: what the edit changed, condition by condition, and the size before → after. */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { timed } from "../state/audit-entry.ts";
import { requireContext, tenantOf } from "../state/context.ts";
import type { DseStateType, DseUpdate } from "../state/conversation-state.ts";
import { diffTrees } from "../segment/diff.ts";

export async function diffSegment(
  state: DseStateType,
  config: LangGraphRunnableConfig,
): Promise<DseUpdate> {
  const ctx = requireContext(config);
  const tenant = tenantOf(ctx, state.tenant);
  if (!state.segment || !state.baseSegment) throw new Error("diffSegment needs both versions");
  const { result, audit } = await timed(
    "diffSegment",
    () =>
      diffTrees(state.baseSegment!.root, state.segment!.root, tenant.catalog, {
        fromVersion: state.baseVersion,
        toVersion: (state.baseVersion ?? 0) + 1,
        sizeBefore: state.baseSize,
        sizeAfter: state.size,
      }),
    (d) => ({ added: d.added.length, removed: d.removed.length, changed: d.changed.length }),
  );
  return { diff: result, audit };
}
