/** Tag dates: resolve every time expression of each sub-segment to a window. */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { timed } from "../state/audit-entry.ts";
import { requireContext, skillContextFor } from "../state/context.ts";
import type { NscStateType, NscUpdate } from "../state/graph-state.ts";

export async function tagDates(
  state: NscStateType,
  config: LangGraphRunnableConfig,
): Promise<NscUpdate> {
  const ctx = requireContext(config);
  const subSegments = state.decomposition?.subSegments ?? [];
  const { result, audit } = await timed(
    "tagDates",
    () =>
      ctx.skills.tagDates.tag(
        state.text,
        subSegments,
        skillContextFor(ctx, state.tenant, state.asOf),
      ),
    (r) => ({
      tags: r.tags.map((t) => `${t.text} -> [${t.from ?? ""}, ${t.to ?? ""})`),
      // The router's decision when the LLM tier routed this step.
      ...("route" in r ? { route: r.route } : {}),
    }),
  );
  return { dates: result, audit };
}
