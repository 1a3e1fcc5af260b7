/**
 * Understand edit: read the edit message against the current segment — typos fixed against the
 * tenant's vocabulary and glossary terms expanded, as for a request — and ask the edit skill
 * what to do: operations, readings to choose from, or why it cannot apply.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { timed } from "../state/audit-entry.ts";
import { MIN_LINK_SCORE } from "../catalog/retriever.ts";
import { requireContext, skillContextFor, tenantOf, type TenantRuntime } from "../state/context.ts";
import { editVocabulary } from "../skills/rules/edit/lexicon.ts";
import type { Correction } from "../skills/rules/spelling.ts";
import type { DseStateType, DseUpdate } from "../state/conversation-state.ts";
import { versionOf } from "../state/edit.ts";
import { normaliseRequest } from "../skills/rules/text.ts";
import { expandGlossary, looksLikeSegmentRequest } from "./perceive.ts";

const EDIT_WORDS = editVocabulary();

/**
 * Typos fixed against the tenant's vocabulary, except the edit's own words ("ditch", "chuck")
 * and words that already name a catalog value loosely ("Brits"): corrected, they would say
 * something else.
 */
function spellEdit(
  tenant: TenantRuntime,
  text: string,
): { text: string; corrections: Correction[] } {
  const all = tenant.speller.correct(text).corrections;
  const kept = all.filter((c) => {
    const from = c.from.toLowerCase();
    if (EDIT_WORDS.has(from)) return false;
    const loose = tenant.retriever.search(from, {
      limit: 1,
      target: "value",
      kinds: ["attribute", "item"],
    })[0];
    return !(
      loose &&
      loose.score >= MIN_LINK_SCORE &&
      loose.facetId !== "product_word" &&
      loose.facetId !== "product"
    );
  });
  let out = text;
  for (const c of [...kept].sort((a, b) => b.start - a.start))
    out = out.slice(0, c.start) + c.to + out.slice(c.end);
  return { text: out, corrections: kept };
}

export async function understandEdit(
  state: DseStateType,
  config: LangGraphRunnableConfig,
): Promise<DseUpdate> {
  const ctx = requireContext(config);
  const tenant = tenantOf(ctx, state.tenant);
  const base = state.baseSegment;
  const version = state.baseVersion;
  if (!base || version === null) throw new Error("understandEdit needs the current version");
  const lineage = state.lineage;
  const { result, audit } = await timed(
    "understandEdit",
    async () => {
      const corrected = spellEdit(tenant, normaliseRequest(state.request ?? ""));
      const { text } = expandGlossary(corrected.text, tenant.config.glossary);
      const plan = await ctx.skills.edit.understand(
        {
          text,
          base,
          version,
          history: {
            versions: (lineage?.versions ?? []).map((v) => v.version),
            undo: lineage?.undo ?? [],
            redo: lineage?.redo ?? [],
            trees: (lineage?.versions ?? []).map((v) => ({
              version: v.version,
              root: v.segment.root,
            })),
          },
          previous: versionOf(lineage, version)?.diff ?? null,
        },
        skillContextFor(ctx, state.tenant, state.asOf),
      );
      // Words about nothing a segment can hold ("what's the weather like") are out of scope.
      if (
        plan.refusal?.code === "edit_not_understood" &&
        !looksLikeSegmentRequest(text, tenant.retriever)
      )
        plan.refusal = {
          code: "out_of_scope",
          message: `"${text}" is neither a change to this segment nor a segment request. Say how to change it (e.g. "only those who spent over £500", "drop the country filter") or describe a new segment.`,
        };
      return { text, plan, corrections: corrected.corrections };
    },
    (r) => ({
      rules: r.plan.rules,
      ops: r.plan.ops.map((o) => o.op),
      choices: r.plan.choices.length,
      refusal: r.plan.refusal?.code ?? null,
      corrections: r.corrections,
      producer: r.plan.producer,
      // The router's decision (tier, models, tokens, cost, cache, fallback) when one routed.
      ...("route" in r.plan ? { route: r.plan.route } : {}),
    }),
  );
  const { plan, text } = result;
  return {
    text,
    editPlan: plan,
    editChoices: plan.choices,
    editKind: plan.kind,
    draft: null,
    ambiguities: [],
    findings: [],
    improveAttempts: 0,
    ...(plan.refusal
      ? { status: "rejected" as const, rejection: plan.refusal }
      : { status: "running" as const, rejection: null }),
    audit,
  };
}
