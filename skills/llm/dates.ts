/**
 * The LLM date-tagging skill: the request, its parts and the as-of date go to the model, which
 * resolves each time expression to a half-open window. Its answer is read strictly: each span
 * must be the request's own words inside one of its parts, each bound a real calendar day, and
 * the window not empty.
 */
import { z } from "zod";
import type { DateTag, DateTagResult, SkillContext, SubSegment } from "../types.ts";
import type { CallResult, LlmClient, Reading } from "./client.ts";
import { examplesFor } from "./examples.ts";
import { Invalid, spanOf } from "./map-answer.ts";
import { loadPrompt } from "./prompts.ts";

export const DATES_PROMPT = loadPrompt("dates", 1);

export const datesProducer = (model: string) => `llm/${DATES_PROMPT.id} ${model}`;

const KINDS = [
  "calendar",
  "relative",
  "since",
  "before",
  "after",
  "range",
  "holiday",
  "season",
  "fiscal",
] as const satisfies readonly DateTag["kind"][];

export const DatesAnswer = z.object({
  dates: z.array(
    z.object({
      span: z.string(),
      from: z.string().nullable(),
      to: z.string().nullable(),
      kind: z.enum(KINDS),
      label: z.string(),
    }),
  ),
  confidence: z.number().min(0).max(1),
  unmapped: z.array(z.string()),
});
export type DatesAnswer = z.infer<typeof DatesAnswer>;

/** A real calendar day written YYYY-MM-DD (2011-02-30 is not one). */
export function calendarDay(value: string | null): string | undefined {
  if (value === null) return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const day = match ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value)
    throw new Invalid(`"${value}" is not a calendar day`);
  return value;
}

/** The part a span falls inside; a span across parts or outside them is invalid. */
export function partOf(subSegments: SubSegment[], start: number, end: number): SubSegment {
  const part = subSegments.find((s) => s.start <= start && end <= s.end);
  if (!part) throw new Invalid(`span at ${start}..${end} is not inside one part of the request`);
  return part;
}

export function readDatesAnswer(
  answer: DatesAnswer,
  text: string,
  subSegments: SubSegment[],
  producer: string,
): Reading<DateTagResult> {
  if (answer.unmapped.length)
    return { ok: false, problems: answer.unmapped.map((w) => `unmapped: "${w}"`) };
  const problems: string[] = [];
  const tags: DateTagResult["tags"] = [];
  for (const d of answer.dates) {
    try {
      const where = spanOf(text, d.span);
      const from = calendarDay(d.from);
      const to = calendarDay(d.to);
      if (from === undefined && to === undefined) throw new Invalid(`"${d.span}" has no bound`);
      if (from !== undefined && to !== undefined && from >= to)
        throw new Invalid(`"${d.span}" is an empty window [${from}, ${to})`);
      const part = partOf(subSegments, where.start, where.end);
      tags.push({
        start: where.start,
        end: where.end,
        text: where.span,
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        kind: d.kind,
        label: d.label,
        confidence: answer.confidence,
        subSegmentId: part.id,
      });
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      problems.push(err.message);
    }
  }
  return problems.length
    ? { ok: false, problems }
    : { ok: true, value: { tags: tags.sort((a, b) => a.start - b.start), producer } };
}

export async function llmTagDates(
  client: LlmClient,
  model: string,
  text: string,
  subSegments: SubSegment[],
  ctx: SkillContext,
): Promise<CallResult<DateTagResult>> {
  const producer = datesProducer(model);
  return client.call({
    tenant: ctx.tenant.tenant,
    prompt: DATES_PROMPT,
    system: DATES_PROMPT.render({}),
    input: {
      request: text,
      asOf: ctx.dates.asOf,
      fiscalYearStartMonth: ctx.dates.fiscalYearStartMonth,
      region: ctx.dates.region ?? "GB",
      parts: subSegments.map((s) => s.text),
      examples: examplesFor("dates", text, ctx),
    },
    schema: DatesAnswer,
    model,
    read: (answer) => readDatesAnswer(answer, text, subSegments, producer),
  });
}
