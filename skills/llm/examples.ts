/**
 * Few-shot examples chosen per request, source by source: first the tenant's own recipes
 * found for this request (saved segments, `SkillContext.recipes`, made into examples by
 * recipe-examples.ts), then each skill's checked-in set (`examples/<skill>.json`); within a
 * source, the ones most like the request by character-trigram overlap. The chosen examples
 * travel in the user message, so they are part of the cache key.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { SkillContext } from "../types.ts";
import { linkExample } from "./recipe-examples.ts";

export type ExampleSkill = "decompose" | "dates" | "link" | "intent";

/** One solved request: the words it was about (`request` or `message`) and the answer. */
export const Example = z
  .object({ request: z.string().optional(), message: z.string().optional(), answer: z.unknown() })
  .passthrough()
  .refine((e) => (e.request ?? e.message) !== undefined, "an example needs its words");
export type Example = z.infer<typeof Example>;

/** Examples per skill shown to the model; few, because each costs input tokens. */
export const EXAMPLES_PER_REQUEST = 2;

const shipped = new Map<ExampleSkill, Example[]>();

export function shippedExamples(skill: ExampleSkill): Example[] {
  let set = shipped.get(skill);
  if (!set) {
    const text = readFileSync(new URL(`./examples/${skill}.json`, import.meta.url), "utf8");
    set = z.array(Example).parse(JSON.parse(text));
    shipped.set(skill, set);
  }
  return set;
}

/** Where examples come from, best first: every example of a source before the next one's. */
export type ExampleSource = (skill: ExampleSkill, ctx: SkillContext) => Example[];

/** The recipes found for this request, as examples of the skills they can teach (link). */
export const recipeExamples: ExampleSource = (skill, ctx) =>
  skill === "link" ? (ctx.recipes ?? []).flatMap((r) => linkExample(r, ctx.catalog) ?? []) : [];

export const exampleSources: ExampleSource[] = [recipeExamples, (skill) => shippedExamples(skill)];

function trigrams(text: string): Set<string> {
  const s = ` ${text.toLowerCase().replace(/\s+/g, " ")} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= s.length; i++) out.add(s.slice(i, i + 3));
  return out;
}

/** Jaccard overlap of character trigrams: 1 for the same words, 0 for nothing shared. */
export function similarity(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  const union = x.size + y.size - shared;
  return union === 0 ? 0 : shared / union;
}

/**
 * `k` examples for `text`: an earlier source's before a later one's (a tenant's recipe was
 * already found for this request by similarity, and speaks the tenant's vocabulary), and
 * within a source the most like `text` first (ties: file order).
 */
export function examplesFor(
  skill: ExampleSkill,
  text: string,
  ctx: SkillContext,
  k = EXAMPLES_PER_REQUEST,
): Example[] {
  const all = exampleSources.flatMap((source, s) =>
    source(skill, ctx).map((e, i) => ({
      e,
      s,
      i,
      score: similarity(text, e.request ?? e.message ?? ""),
    })),
  );
  return all
    .sort((a, b) => a.s - b.s || b.score - a.score || a.i - b.i)
    .slice(0, k)
    .map(({ e }) => e);
}
