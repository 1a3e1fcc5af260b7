/**
 * The LLM linking skill: the request's parts and the catalog candidates retrieved for them (the
 * rules' links and the retriever's best hits per part) go to the model, which says which
 * candidate each phrase means. It answers by candidate number, so nothing outside what was
 * retrieved can be chosen; the reader also checks each value is still in the catalog.
 */
import { z } from "zod";
import { facetById } from "../../state/catalog.ts";
import type { Mention, ShortlistResult, SkillContext, SubSegment } from "../types.ts";
import type { CallResult, LlmClient, Reading } from "./client.ts";
import { partOf } from "./dates.ts";
import { examplesFor } from "./examples.ts";
import { Invalid, spanOf } from "./map-answer.ts";
import { loadPrompt } from "./prompts.ts";

export const LINK_PROMPT = loadPrompt("link", 1);

export const linkProducer = (model: string) => `llm/${LINK_PROMPT.id} ${model}`;

/** Retriever hits offered per part, beyond the rules' own links. */
const HITS_PER_PART = 8;
/** Hits below this fused score are noise, not candidates. */
const MIN_HIT_SCORE = 0.35;

export interface LinkCandidate {
  facet: string;
  value?: string;
  label: string;
}

export const LinkAnswer = z.object({
  links: z.array(z.object({ span: z.string(), candidate: z.number().int() })),
  confidence: z.number().min(0).max(1),
  unmapped: z.array(z.string()),
});
export type LinkAnswer = z.infer<typeof LinkAnswer>;

/** The rules' links first, then the retriever's hits per part, each (facet, value) once. */
export function linkCandidates(
  rules: ShortlistResult,
  subSegments: SubSegment[],
  ctx: SkillContext,
): LinkCandidate[] {
  const out: LinkCandidate[] = [];
  const seen = new Set<string>();
  const add = (c: LinkCandidate) => {
    const key = `${c.facet}\u0000${c.value ?? ""}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(c);
  };
  for (const m of rules.mentions)
    add({ facet: m.facetId, ...(m.value !== undefined ? { value: m.value } : {}), label: m.label });
  for (const s of subSegments)
    for (const h of ctx.retriever.search(s.text, { limit: HITS_PER_PART, minScore: MIN_HIT_SCORE }))
      add({
        facet: h.facetId,
        ...(h.value !== undefined ? { value: h.value } : {}),
        label: h.label,
      });
  return out;
}

export function readLinkAnswer(
  answer: LinkAnswer,
  input: { text: string; subSegments: SubSegment[]; candidates: LinkCandidate[] },
  ctx: SkillContext,
  producer: string,
): Reading<ShortlistResult> {
  if (answer.unmapped.length)
    return { ok: false, problems: answer.unmapped.map((w) => `unmapped: "${w}"`) };
  const problems: string[] = [];
  const mentions: Mention[] = [];
  for (const link of answer.links) {
    try {
      const c = input.candidates[link.candidate];
      if (!c) throw new Invalid(`candidate ${link.candidate} was not offered`);
      const facet = facetById(ctx.catalog, c.facet);
      if (!facet) throw new Invalid(`facet "${c.facet}" is not in the catalog`);
      // The catalog may have changed since retrieval (a cached answer): check again.
      if (c.value !== undefined) {
        const known =
          facet.type === "text"
            ? ctx.retriever.textMatches(c.facet, c.value) > 0
            : ctx.retriever.contains(c.facet, c.value);
        if (!known) throw new Invalid(`"${c.value}" is not a value of "${c.facet}"`);
      }
      const where = spanOf(input.text, link.span);
      const part = partOf(input.subSegments, where.start, where.end);
      mentions.push({
        subSegmentId: part.id,
        start: where.start,
        end: where.end,
        text: where.span,
        facetId: c.facet,
        ...(c.value !== undefined ? { value: c.value } : {}),
        label: c.label,
        score: answer.confidence,
        exact: false,
      });
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      problems.push(err.message);
    }
  }
  return problems.length
    ? { ok: false, problems }
    : { ok: true, value: { mentions: mentions.sort((a, b) => a.start - b.start), producer } };
}

export async function llmShortlist(
  client: LlmClient,
  model: string,
  text: string,
  subSegments: SubSegment[],
  rules: ShortlistResult,
  ctx: SkillContext,
): Promise<CallResult<ShortlistResult>> {
  const producer = linkProducer(model);
  const candidates = linkCandidates(rules, subSegments, ctx);
  return client.call({
    tenant: ctx.tenant.tenant,
    prompt: LINK_PROMPT,
    system: LINK_PROMPT.render({}),
    input: {
      request: text,
      parts: subSegments.map((s) => s.text),
      candidates: candidates.map((c, index) => ({ index, ...c })),
      examples: examplesFor("link", text, ctx),
    },
    schema: LinkAnswer,
    model,
    read: (answer) => readLinkAnswer(answer, { text, subSegments, candidates }, ctx, producer),
  });
}
