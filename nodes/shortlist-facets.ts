/** Shortlist facets: link the words of each sub-segment to catalog facets and values. */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { timed } from "../state/audit-entry.ts";
import { requireContext, skillContextFor } from "../state/context.ts";
import type { NscStateType, NscUpdate } from "../state/graph-state.ts";

export async function shortlistFacets(
  state: NscStateType,
  config: LangGraphRunnableConfig,
): Promise<NscUpdate> {
  const ctx = requireContext(config);
  const subSegments = state.decomposition?.subSegments ?? [];
  const { result, audit } = await timed(
    "shortlistFacets",
    () =>
      ctx.skills.shortlist.shortlist(
        state.text,
        subSegments,
        skillContextFor(ctx, state.tenant, state.asOf, state.recipes),
      ),
    (r) => ({
      mentions: r.mentions.map((m) => `${m.text} -> ${m.facetId}${m.value ? `=${m.value}` : ""}`),
      // The router's decision when the LLM tier routed this step.
      ...("route" in r ? { route: r.route } : {}),
    }),
  );
  return { shortlist: result, audit };
}
