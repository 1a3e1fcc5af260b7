/**
 * The LLM edit skill: the edit's words, the segment's conditions (numbered, in plain words)
 * and the catalog candidates and date tags the rules' language skills find in the edit go to
 * the model; its answer is read strictly (edit-answer.ts) into operations on the segment.
 */
import { describeCondition } from "../../segment/explain.ts";
import { leavesWithPaths } from "../../segment/edit-ops.ts";
import type { EditPlan } from "../../state/edit.ts";
import type { EditInput, SkillContext, SkillSet } from "../types.ts";
import type { CallResult, LlmClient } from "./client.ts";
import { EditAnswer, readEditAnswer } from "./edit-answer.ts";
import { candidatesOf } from "./map-answer.ts";
import { candidateFacets } from "./map.ts";
import { loadPrompt } from "./prompts.ts";

export const EDIT_PROMPT = loadPrompt("edit", 1);

export const editProducer = (model: string) => `llm/${EDIT_PROMPT.id} ${model}`;

type Language = Pick<SkillSet, "decompose" | "tagDates" | "shortlist">;

/** The edit's own date tags and catalog mentions, found by the rules' language skills. */
async function readEditWords(text: string, ctx: SkillContext, language: Language) {
  const { subSegments } = await language.decompose.decompose(text, ctx);
  const [dates, shortlist] = await Promise.all([
    language.tagDates.tag(text, subSegments, ctx),
    language.shortlist.shortlist(text, subSegments, ctx),
  ]);
  return { subSegments, dates, shortlist };
}

export async function llmEdit(
  client: LlmClient,
  model: string,
  input: EditInput,
  ctx: SkillContext,
  language: Language,
): Promise<CallResult<EditPlan>> {
  const producer = editProducer(model);
  const words = await readEditWords(input.text, ctx, language);
  const leaves = leavesWithPaths(input.base.root);
  return client.call({
    tenant: ctx.tenant.tenant,
    prompt: EDIT_PROMPT,
    system: EDIT_PROMPT.render({ currency: ctx.catalog.currency }),
    input: {
      edit: input.text,
      conditions: leaves.map((l, number) => ({
        number,
        description: describeCondition(l.condition, ctx.catalog),
        excludes: l.negated,
      })),
      dates: words.dates.tags.map((t, index) => ({
        index,
        text: t.text,
        from: t.from ?? null,
        to: t.to ?? null,
      })),
      candidates: candidateFacets({ text: input.text, ...words }, ctx.catalog),
    },
    schema: EditAnswer,
    model,
    read: (answer) => {
      const read = readEditAnswer(answer, input.base.root, {
        text: input.text,
        catalog: ctx.catalog,
        dates: words.dates,
        candidates: candidatesOf(words.shortlist.mentions),
        producer,
        version: input.version + 1,
      });
      return read.ok ? { ok: true, value: read.plan } : read;
    },
  });
}
