/**
 * Find recipes: the tenant's saved segments most like the request, before it is parsed, so the
 * LLM tier can show them as examples and the result can suggest them ("a similar segment
 * exists"). A vector store that is down finds none; the turn goes on without them.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { timed } from "../state/audit-entry.ts";
import { requireContext } from "../state/context.ts";
import type { NscStateType, NscUpdate } from "../state/graph-state.ts";

export async function findRecipes(
  state: NscStateType,
  config: LangGraphRunnableConfig,
): Promise<NscUpdate> {
  const ctx = requireContext(config);
  const finder = ctx.recipes;
  if (!finder) return { recipes: [] };
  const { result, audit } = await timed(
    "findRecipes",
    () => finder.find(state.tenant, state.text),
    (r) => ({
      // Which saved segments were suggested and how alike: the audit trail of a suggestion.
      suggested: r.recipes.map((x) => ({ segmentId: x.segmentId, score: round(x.score) })),
      source: r.source,
      ...(r.reason ? { reason: r.reason } : {}),
    }),
  );
  return { recipes: result.recipes, audit };
}

function round(score: number): number {
  return Math.round(score * 1000) / 1000;
}
