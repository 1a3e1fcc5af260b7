/** Map facets: turn sub-segments, dates and mentions into a draft rule tree. */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { timed } from "../state/audit-entry.ts";
import { requireContext, skillContextFor } from "../state/context.ts";
import type { NscStateType, NscUpdate } from "../state/graph-state.ts";
import { markAnswered, markWindows, type Span } from "../segment/answered.ts";

export async function mapFacets(
  state: NscStateType,
  config: LangGraphRunnableConfig,
): Promise<NscUpdate> {
  const ctx = requireContext(config);
  const { result, audit } = await timed(
    "mapFacets",
    () =>
      ctx.skills.map.map(
        {
          text: state.text,
          subSegments: state.decomposition?.subSegments ?? [],
          dates: state.dates ?? { tags: [], producer: "none" },
          shortlist: state.shortlist ?? { mentions: [], producer: "none" },
        },
        skillContextFor(ctx, state.tenant, state.asOf),
      ),
    (r) => ({
      confidence: r.confidence,
      ambiguities: r.ambiguities.map((a) => a.key),
      producer: r.producer,
      ...("rules" in r ? { rules: r.rules } : {}),
      // The router's decision (tier, models, tokens, cost, cache, fallback) when one routed.
      ...("route" in r ? { route: r.route } : {}),
    }),
  );
  // The words a clarification's answer brought (perceive recorded them) are the user's, or
  // memory's when the answer was remembered; the words preferences added are memory's.
  const read = [...(state.audit ?? [])].reverse().find((a) => a.step === "perceive")?.detail;
  const answered = (read?.answered as Span[] | undefined) ?? [];
  const by = read?.answeredBy === "memory" ? "memory" : "user";
  const preferred = (read?.preferred as Span[] | undefined) ?? [];
  const marked =
    result.root && markAnswered(markAnswered(result.root, answered, by), preferred, "memory");
  return {
    draft:
      marked &&
      markWindows(
        marked,
        preferred.map((s) => state.text.slice(s.start, s.end)),
      ),
    ambiguities: result.ambiguities,
    confidence: result.confidence,
    audit,
  };
}
