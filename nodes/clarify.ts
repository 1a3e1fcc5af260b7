/**
 * Clarify: ask one question through `interrupt()`, with concrete options and, where the
 * option is a complete request, the size of the segment it would give. The answer rewrites
 * the request, is remembered under the question's key (never asked twice), and the graph
 * runs again from perceive.
 */
import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { timed } from "../state/audit-entry.ts";
import { nscConfigFrom } from "../state/config.ts";
import { requireContext, skillContextFor } from "../state/context.ts";
import type { Clarification, NscStateType, NscUpdate } from "../state/graph-state.ts";
import { nextQuestion, replaceSpan } from "../graphs/routes.ts";
import { normaliseRequest } from "../skills/rules/text.ts";
import { compileSegment } from "../warehouse/compile.ts";

/** What a client sends back: an option number (1-based), an option label, or free text. */
export type ClarificationAnswer = string | number | { option: number } | { text: string };

/** Sizes an option by running the skills on its request; undefined when it does not map. */
async function previewSize(
  ctx: ReturnType<typeof requireContext>,
  state: NscStateType,
  request: string,
): Promise<number | undefined> {
  const tenant = ctx.tenant(state.tenant);
  if (!tenant || !request) return undefined;
  const skillCtx = skillContextFor(ctx, state.tenant, state.asOf);
  const text = normaliseRequest(request);
  const decomposition = await ctx.skills.decompose.decompose(text, skillCtx);
  const [dates, shortlist] = await Promise.all([
    ctx.skills.tagDates.tag(text, decomposition.subSegments, skillCtx),
    ctx.skills.shortlist.shortlist(text, decomposition.subSegments, skillCtx),
  ]);
  const mapped = await ctx.skills.map.map(
    { text, subSegments: decomposition.subSegments, dates, shortlist },
    skillCtx,
  );
  if (!mapped.root || mapped.ambiguities.length) return undefined;
  return ctx.warehouse.size(compileSegment(mapped.root, tenant.binding));
}

export function resolveAnswer(answer: ClarificationAnswer, q: Clarification, text: string): string {
  const byIndex = (n: number) => q.options[n - 1]?.request;
  if (typeof answer === "number") return byIndex(answer) ?? text;
  if (typeof answer === "object" && "option" in answer) return byIndex(answer.option) ?? text;
  const raw = (typeof answer === "object" ? answer.text : answer).trim();
  if (/^\d+$/.test(raw) && byIndex(Number(raw)) !== undefined) return byIndex(Number(raw))!;
  const option = q.options.find((o) => o.label.toLowerCase() === raw.toLowerCase());
  if (option) return option.request;
  // Free text replaces the span the question was about, or the whole request.
  return q.span ? replaceSpan(text, q.span, raw) : raw;
}

export async function clarify(
  state: NscStateType,
  config: LangGraphRunnableConfig,
): Promise<NscUpdate> {
  const ctx = requireContext(config);
  const cfg = nscConfigFrom(config.configurable);
  const question = nextQuestion(state, cfg.maxImproveAttempts);
  if (!question) throw new Error("clarify reached with nothing to ask");
  // Sizes are recomputed when the node resumes; the counts are cheap and keep the node pure.
  const { result: withSizes, audit } = await timed("clarify", async () => {
    if (!cfg.optionSizes) return question;
    const options = await Promise.all(
      question.options.map(async (o) => ({
        ...o,
        size: await previewSize(ctx, state, o.request).catch(() => undefined),
      })),
    );
    return { ...question, options };
  });
  const answer = interrupt<Clarification, ClarificationAnswer>(withSizes);
  const request = resolveAnswer(answer, withSizes, state.text);
  return {
    request,
    answers: {
      ...(state.answers ?? {}),
      [question.key]: typeof answer === "object" ? JSON.stringify(answer) : String(answer),
    },
    pendingQuestion: null,
    audit: [
      ...audit,
      {
        step: "clarify:answer",
        ms: 0,
        at: new Date().toISOString(),
        detail: { key: question.key, answer, request },
      },
    ],
  };
}
