/** Decompose: split the request into sub-segments that keep the user's verbatim spans. */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { timed } from "../state/audit-entry.ts";
import { requireContext, skillContextFor } from "../state/context.ts";
import type { NscStateType, NscUpdate } from "../state/graph-state.ts";

export async function decompose(
  state: NscStateType,
  config: LangGraphRunnableConfig,
): Promise<NscUpdate> {
  const ctx = requireContext(config);
  const { result, audit } = await timed(
    "decompose",
    () =>
      ctx.skills.decompose.decompose(
        state.text,
        skillContextFor(ctx, state.tenant, state.asOf, state.recipes),
      ),
    (r) => ({
      subSegments: r.subSegments.length,
      producer: r.producer,
      // The router's decision when the LLM tier routed this step.
      ...("route" in r ? { route: r.route } : {}),
    }),
  );
  return { decomposition: result, audit };
}
