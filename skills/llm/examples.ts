/**
 * Few-shot examples chosen per request: from each skill's checked-in set
 * (`examples/<skill>.json`), the ones most like the request by character-trigram overlap.
 * `exampleSources` is the seam for more sources — a tenant's own recipes, when they exist,
 * go in front of the shipped set there — and the chosen examples travel in the user message,
 * so they are part of the cache key.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { SkillContext } from "../types.ts";

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

/** Where examples come from, best first. Recipes per tenant do not exist yet. */
export type ExampleSource = (skill: ExampleSkill, ctx: SkillContext) => Example[];
export const exampleSources: ExampleSource[] = [(skill) => shippedExamples(skill)];

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

/** The `k` examples most like `text` (ties: the earlier source, then file order). */
export function examplesFor(
  skill: ExampleSkill,
  text: string,
  ctx: SkillContext,
  k = EXAMPLES_PER_REQUEST,
): Example[] {
  const all = exampleSources.flatMap((source) => source(skill, ctx));
  return all
    .map((e, i) => ({ e, i, score: similarity(text, e.request ?? e.message ?? "") }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, k)
    .map(({ e }) => e);
}
