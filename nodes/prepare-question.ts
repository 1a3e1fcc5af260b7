/**
 * Prepare question (creation): pick the question the request raises, with concrete options
 * each sized by running the understanding skills on its rewritten request. A question already
 * answered in an earlier turn of the thread is answered the same way again instead of asked.
 * The question itself is put to the user by the conversation (`awaitAnswer`).
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { timed } from "../state/audit-entry.ts";
import { nscConfigFrom } from "../state/config.ts";
import { requireContext, skillContextFor, type NscContext } from "../state/context.ts";
import { auditEntry, type NscStateType, type NscUpdate } from "../state/graph-state.ts";
import { normaliseRequest } from "../skills/rules/text.ts";
import { questionsFor, resolveAnswer } from "../segment/questions.ts";
import { compileSegment } from "../warehouse/compile.ts";

/** Sizes an option by running the skills on its request; undefined when it does not map. */
async function previewSize(
  ctx: NscContext,
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

export async function prepareQuestion(
  state: NscStateType,
  config: LangGraphRunnableConfig,
): Promise<NscUpdate> {
  const ctx = requireContext(config);
  const cfg = nscConfigFrom(config.configurable);
  const asked = state.answers ?? {};
  const questions = questionsFor(state, cfg.maxImproveAttempts).filter(
    (q) => asked[q.key] === undefined,
  );
  const question = questions[0];
  if (!question) throw new Error("prepareQuestion reached with nothing to ask");
  const earlier = state.remembered?.[question.key];
  if (earlier !== undefined) {
    const request = resolveAnswer(earlier, question, state.text);
    return {
      request,
      status: "rephrased",
      answers: { ...asked, [question.key]: earlier },
      audit: [auditEntry("clarify:remembered", 0, { key: question.key, answer: earlier, request })],
    };
  }
  const { result, audit } = await timed(
    "prepareQuestion",
    async () => {
      if (!cfg.optionSizes) return question;
      const options = await Promise.all(
        question.options.map(async (o) => ({
          ...o,
          size: await previewSize(ctx, state, o.request).catch(() => undefined),
        })),
      );
      return { ...question, options };
    },
    (q) => ({ key: q.key, options: q.options.length }),
  );
  return { pendingQuestion: result, status: "needs_clarification", audit };
}
