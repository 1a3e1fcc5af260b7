/**
 * Format: the validated draft becomes a segment definition, its SQL and its explanation (its
 * amounts written the way the user prefers, when a preference says).
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { timed } from "../state/audit-entry.ts";
import { requireContext } from "../state/context.ts";
import type { NscStateType, NscUpdate } from "../state/graph-state.ts";
import { SegmentDefinition } from "../state/segment.ts";
import { formatAmounts } from "../segment/currency.ts";
import { explainTree } from "../segment/explain.ts";
import { memoryFrom } from "../state/memory.ts";
import { compileSegment } from "../warehouse/compile.ts";

export async function formatSegment(
  // An edit keeps the request the segment was created from; its own words are in provenance.
  state: NscStateType & { baseSegment?: SegmentDefinition | null },
  config: LangGraphRunnableConfig,
): Promise<NscUpdate> {
  const ctx = requireContext(config);
  const tenant = ctx.tenant(state.tenant);
  if (!tenant || !state.draft)
    throw new Error("formatSegment needs a tenant and a validated draft");
  const prefs = ctx.memory
    ? await ctx.memory.preferences(memoryFrom(config.configurable, state.tenant).subject)
    : {};
  const { result, audit } = await timed("formatSegment", () => {
    const segment = SegmentDefinition.parse({
      version: 1,
      tenant: state.tenant,
      asOf: state.asOf,
      request: state.baseSegment?.request ?? state.text,
      root: state.draft,
    });
    return {
      segment,
      sql: compileSegment(segment.root, tenant.binding),
      explanation: explainTree(segment.root, tenant.catalog).map((line) =>
        formatAmounts(line, prefs.currency),
      ),
    };
  });
  return { ...result, audit };
}
