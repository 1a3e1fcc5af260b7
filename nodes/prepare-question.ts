/**
 * Prepare question (creation): pick the question the request raises, with concrete options
 * each sized by running the understanding skills on its rewritten request. A question already
 * answered in an earlier turn of the thread is answered the same way again instead of asked;
 * one this user (or the tenant) answered in another conversation is answered from memory
 * (source `memory`), its options returned beside it so the client can switch. The question
 * itself is put to the user by the conversation (`awaitAnswer`).
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { timed } from "../state/audit-entry.ts";
import { nscConfigFrom } from "../state/config.ts";
import { requireContext, skillContextFor, type NscContext } from "../state/context.ts";
import {
  auditEntry,
  type Clarification,
  type NscStateType,
  type NscUpdate,
} from "../state/graph-state.ts";
import { memoryFrom, rememberable } from "../state/memory.ts";
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

/**
 * The question answered from memory, or null: nothing remembered, or a remembered label the
 * question no longer offers (and no span a free answer could replace).
 */
async function fromMemory(
  ctx: NscContext,
  state: NscStateType,
  question: Clarification,
  configurable: Record<string, unknown> | undefined,
): Promise<NscUpdate | null> {
  if (!ctx.memory || !rememberable(question.key)) return null;
  const { subject } = memoryFrom(configurable, state.tenant);
  const entry = await ctx.memory.answerFor(subject, question.key);
  if (!entry) return null;
  const offered = question.options.some(
    (o) => o.label.toLowerCase() === entry.answer.toLowerCase(),
  );
  if (!offered && !question.span) return null;
  const request = resolveAnswer(entry.answer, question, state.text);
  return {
    request,
    status: "rephrased",
    answers: { ...(state.answers ?? {}), [question.key]: entry.answer },
    answerSource: "memory",
    recalled: [
      ...(state.recalled ?? []),
      {
        id: entry.id,
        scope: entry.scope,
        key: question.key,
        question: question.question,
        answer: entry.answer,
        options: question.options,
      },
    ],
    audit: [
      auditEntry("clarify:memory", 0, {
        key: question.key,
        answer: entry.answer,
        scope: entry.scope,
        memoryId: entry.id,
        request,
      }),
    ],
  };
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
      answerSource: "user",
      audit: [auditEntry("clarify:remembered", 0, { key: question.key, answer: earlier, request })],
    };
  }
  const recalled = await fromMemory(ctx, state, question, config.configurable);
  if (recalled) return recalled;
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
