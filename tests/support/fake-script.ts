/**
 * A script for the fake OpenAI server, read from a JSON file (evals/llm-script.json): per skill
 * (the structured output's name, `map_1`), replies for given requests and a default for the
 * rest. A default is a reply written out (a decline, an error) or `"candidates"`, a stand-in
 * model that answers from what it is sent: each retrieved value its own condition, and
 * "unmapped" when nothing was retrieved. The fake then measures the router, the cache and the
 * readers — never a model's accuracy.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { FakeReply, FakeRequest, Responder } from "./fake-openai.ts";

const Reply: z.ZodType<FakeReply> = z.lazy(() =>
  z.union([
    z.object({
      answer: z.unknown(),
      usage: z.object({ in: z.number(), out: z.number() }).optional(),
    }),
    z.object({ malformed: z.string() }),
    z.object({ status: z.number().int() }),
    z.object({ hangMs: z.number().int().min(0), then: Reply.optional() }),
  ]),
) as z.ZodType<FakeReply>;

const SkillScript = z.object({
  /** What every request of this skill not listed below gets. */
  default: z.union([z.literal("candidates"), Reply]),
  /** Replies by the request's text (the input's `request`, `edit` or `text`). */
  requests: z.record(z.string(), Reply).default({}),
});

export const FakeScript = z.object({
  $comment: z.string().optional(),
  /** By structured-output name (`map_1`, `edit_1`). */
  skills: z.record(z.string(), SkillScript),
  /** A skill the script does not name. */
  otherwise: Reply.default({ status: 500 }),
});
export type FakeScript = z.infer<typeof FakeScript>;

export function loadScript(path: string): FakeScript {
  return FakeScript.parse(JSON.parse(readFileSync(path, "utf8")));
}

interface SeenCandidate {
  facet: string;
  kind: string;
  values?: { value: string; words: string }[];
}

interface SeenInput {
  request?: string;
  message?: string;
  edit?: string;
  text?: string;
  candidates?: SeenCandidate[];
}

/** The words the request was about: what a script's `requests` are keyed by. */
export function requestTextOf(input: unknown): string {
  const seen = (input ?? {}) as SeenInput;
  return seen.request ?? seen.message ?? seen.edit ?? seen.text ?? "";
}

/** The stand-in model for mapping: the first retrieved value of each facet as a condition. */
export function fromCandidates(req: FakeRequest): FakeReply {
  const input = req.input as SeenInput;
  const words = requestTextOf(input);
  const picks = (input.candidates ?? []).flatMap((c) =>
    (c.values ?? []).slice(0, 1).map((v) => ({ c, v })),
  );
  const blank = { negated: false, facet: null, values: [], event: null, items: [] };
  const rest = { measure: null, op: null, value: null, value2: null, dateTag: null };
  const conditions = picks.map(({ c, v }) =>
    c.kind === "attribute"
      ? { ...blank, ...rest, span: v.words, kind: "attribute", facet: c.facet, values: [v.value] }
      : {
          ...blank,
          ...rest,
          span: v.words,
          kind: "behaviour",
          event: "order",
          items: [{ facet: c.facet, values: [v.value] }],
          measure: "exists",
        },
  );
  if (input.edit !== undefined || !conditions.length) {
    return {
      answer: { ops: [], conditions: [], combine: "and", confidence: 0, unmapped: [words] },
    };
  }
  return {
    answer: { conditions, combine: "and", confidence: 0.8, unmapped: [] },
    usage: {
      in: Math.round(600 + JSON.stringify(input).length / 4),
      out: 40 * conditions.length,
    },
  };
}

/** The script as the fake server's responder. */
export function scriptedResponder(script: FakeScript): Responder {
  return (req) => {
    const skill = script.skills[req.name];
    if (!skill) return script.otherwise;
    const listed = skill.requests[requestTextOf(req.input)];
    if (listed) return listed;
    return skill.default === "candidates" ? fromCandidates(req) : skill.default;
  };
}
