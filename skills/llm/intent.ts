/**
 * The LLM intent skill: the message and whether the thread holds a segment go to the model,
 * which says what the message asks for. The intents are the schema's closed set; a request
 * it gives for "create" must be the message's own words (a leading "new segment:" dropped),
 * never a rewording.
 */
import { z } from "zod";
import type { IntentResult, SkillContext } from "../types.ts";
import type { CallResult, LlmClient, Reading } from "./client.ts";
import { examplesFor } from "./examples.ts";
import { findSpan } from "./map-answer.ts";
import { loadPrompt } from "./prompts.ts";

export const INTENT_PROMPT = loadPrompt("intent", 1);

export const intentProducer = (model: string) => `llm/${INTENT_PROMPT.id} ${model}`;

export const IntentAnswer = z.object({
  intent: z.enum(["create", "edit", "explain", "unclear", "off_topic"]),
  request: z.string(),
  editOnly: z.boolean(),
  confidence: z.number().min(0).max(1),
  unmapped: z.array(z.string()),
});
export type IntentAnswer = z.infer<typeof IntentAnswer>;

export function readIntentAnswer(
  answer: IntentAnswer,
  text: string,
  producer: string,
): Reading<IntentResult> {
  if (answer.unmapped.length)
    return { ok: false, problems: answer.unmapped.map((w) => `unmapped: "${w}"`) };
  let request = text;
  if (answer.intent === "create") {
    const found = findSpan(text, answer.request);
    if (!found)
      return { ok: false, problems: [`request "${answer.request}" is not the message's words`] };
    request = found.span;
  }
  return {
    ok: true,
    value: {
      intent: answer.intent,
      request,
      confidence: answer.confidence,
      editOnly: answer.editOnly,
      cues: ["llm"],
      producer,
    },
  };
}

export async function llmIntent(
  client: LlmClient,
  model: string,
  text: string,
  ctx: SkillContext & { hasSegment: boolean },
): Promise<CallResult<IntentResult>> {
  const producer = intentProducer(model);
  return client.call({
    tenant: ctx.tenant.tenant,
    prompt: INTENT_PROMPT,
    system: INTENT_PROMPT.render({}),
    input: {
      message: text,
      hasSegment: ctx.hasSegment,
      examples: examplesFor("intent", text, ctx),
    },
    schema: IntentAnswer,
    model,
    read: (answer) => readIntentAnswer(answer, text, producer),
  });
}
