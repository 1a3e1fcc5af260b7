/**
 * Evaluation cases: versioned JSONL files in evals/datasets/, one case per line with an id
 * and a tag. A case is single-turn (`query`) or multi-turn (`turns`: a request, then
 * answers to clarifying questions, then — once editing exists — edit requests).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

export const Expectation = z.object({
  /** Final status; default "ok" when there is gold SQL. */
  status: z.enum(["ok", "needs_clarification", "rejected"]).optional(),
  /** For rejections: the rejection code the product must give. */
  rejection: z.string().optional(),
  /** Whether a clarifying question must be asked on the way (clarification precision/recall). */
  clarify: z.boolean().optional(),
});

/** What a turn of a conversation must end with; every field optional. */
const TurnScore = {
  /** Members of the thread's segment after this turn (unchanged for a refused turn). */
  gold_sql: z.string().optional(),
  gold_size: z.number().optional(),
  expect: Expectation.optional(),
  /** What the turn checks, in a sentence (not used for scoring). */
  note: z.string().optional(),
};

export const Turn = z.union([
  /** A message: the first request, or a later one that starts a new segment. */
  z.object({ query: z.string(), ...TurnScore }),
  z.object({ answer: z.union([z.string(), z.number()]), ...TurnScore }),
  /** A follow-up that changes the current segment (Direct Segment Editing). */
  z.object({ edit: z.string(), ...TurnScore }),
]);
export type Turn = z.infer<typeof Turn>;

export const EvalCase = z
  .object({
    id: z.string(),
    /** Defaults to the set's name. */
    tag: z.string().optional(),
    tenant: z.string().default("online-retail"),
    asOf: z.string().optional(),
    query: z.string().optional(),
    turns: z.array(Turn).optional(),
    /** SQL over the tenant's tables (search_path is set to its schema) defining the members. */
    gold_sql: z.string().optional(),
    gold_size: z.number().optional(),
    expect: Expectation.default({}),
    note: z.string().optional(),
  })
  .refine((c) => (c.query === undefined) !== (c.turns === undefined), "a case has query or turns")
  .transform((c) => ({ ...c, turns: c.turns ?? [{ query: c.query! }] }));
export type EvalCase = z.infer<typeof EvalCase>;

export interface EvalSet {
  name: string;
  file: string;
  cases: (EvalCase & { tag: string })[];
}

/** The sets `npm run eval` knows, by name. `dev` is the tenant's own dev file. */
export function setFiles(onlineRetailDir: string): Record<string, string> {
  const here = join(import.meta.dirname, "datasets");
  return {
    dev: join(onlineRetailDir, "dev-queries.jsonl"),
    golden: join(here, "online-retail-golden.jsonl"),
    "golden-demo": join(here, "demo-retail-golden.jsonl"),
    heldout: join(here, "online-retail-heldout-sim.jsonl"),
    heldout2: join(here, "online-retail-heldout-sim2.jsonl"),
    heldout3: join(here, "online-retail-heldout-sim3.jsonl"),
    heldout4: join(here, "online-retail-heldout-sim4.jsonl"),
    heldout5: join(here, "online-retail-heldout-sim5.jsonl"),
    heldout6: join(here, "online-retail-heldout-sim6.jsonl"),
    heldout7: join(here, "online-retail-heldout-sim7.jsonl"),
    heldout8: join(here, "online-retail-heldout-sim8.jsonl"),
    edge: join(here, "online-retail-edge.jsonl"),
    multiturn: join(here, "online-retail-multiturn.jsonl"),
    conversations: join(here, "conversations.jsonl"),
    "conversations-b": join(here, "conversations-b.jsonl"),
    "conversations-c": join(here, "conversations-c.jsonl"),
    adversarial: join(here, "online-retail-adversarial.jsonl"),
    "realworld-a": join(here, "realworld-a.jsonl"),
    "realworld-b": join(here, "realworld-b.jsonl"),
  };
}

/** Placeholders that would bloat the files: "LONG_INPUT" is 3,000 characters of words. */
function expand(text: string): string {
  return text.replace("LONG_INPUT", "customers who bought bags and candles ".repeat(80).trim());
}

export function loadSet(name: string, file: string): EvalSet {
  const cases = readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line, i) => {
      const parsed = EvalCase.safeParse(JSON.parse(expand(line)));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.message}`);
      return { ...parsed.data, tag: parsed.data.tag ?? name };
    });
  const ids = new Set<string>();
  for (const c of cases) {
    if (ids.has(c.id)) throw new Error(`${file}: duplicate id ${c.id}`);
    ids.add(c.id);
  }
  return { name, file, cases };
}
