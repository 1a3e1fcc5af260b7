/**
 * The LLM decompose skill: the request goes to the model, which splits it into parts at clause
 * boundaries. Its answer is read strictly: every part must be the request's own words, in
 * order and without overlap, so offsets stay the request's and nothing is paraphrased.
 */
import { z } from "zod";
import type { DecomposeResult, SkillContext, SubSegment } from "../types.ts";
import type { CallResult, LlmClient, Reading } from "./client.ts";
import { examplesFor } from "./examples.ts";
import { findSpan } from "./map-answer.ts";
import { loadPrompt } from "./prompts.ts";

export const DECOMPOSE_PROMPT = loadPrompt("decompose", 1);

export const decomposeProducer = (model: string) => `llm/${DECOMPOSE_PROMPT.id} ${model}`;

export const DecomposeAnswer = z.object({
  parts: z.array(
    z.object({
      text: z.string(),
      joins: z.enum(["and", "or"]),
      negated: z.boolean(),
      zone: z.enum(["pre", "post"]),
    }),
  ),
  confidence: z.number().min(0).max(1),
  unmapped: z.array(z.string()),
});
export type DecomposeAnswer = z.infer<typeof DecomposeAnswer>;

/** The answer as sub-segments of `text`, or every reason it cannot be. */
export function readDecomposeAnswer(
  answer: DecomposeAnswer,
  text: string,
  producer: string,
): Reading<DecomposeResult> {
  if (answer.unmapped.length)
    return { ok: false, problems: answer.unmapped.map((w) => `unmapped: "${w}"`) };
  if (!answer.parts.length) return { ok: false, problems: ["no parts"] };
  const subSegments: SubSegment[] = [];
  let cursor = 0;
  for (const part of answer.parts) {
    const found = findSpan(text, part.text, cursor);
    if (!found)
      return { ok: false, problems: [`part "${part.text}" is not the request's next words`] };
    const { start, end } = found;
    subSegments.push({
      id: `s${subSegments.length + 1}`,
      text: found.span,
      start,
      end,
      connective: part.joins,
      negatedByConnective: part.negated,
      zone: part.zone,
    });
    cursor = end;
  }
  return { ok: true, value: { subSegments, confidence: answer.confidence, producer } };
}

export async function llmDecompose(
  client: LlmClient,
  model: string,
  text: string,
  ctx: SkillContext,
): Promise<CallResult<DecomposeResult>> {
  const producer = decomposeProducer(model);
  return client.call({
    tenant: ctx.tenant.tenant,
    prompt: DECOMPOSE_PROMPT,
    system: DECOMPOSE_PROMPT.render({}),
    input: { request: text, examples: examplesFor("decompose", text, ctx) },
    schema: DecomposeAnswer,
    model,
    read: (answer) => readDecomposeAnswer(answer, text, producer),
  });
}
