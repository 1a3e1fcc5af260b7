import {
  BUY_VERBS,
  CANCEL_WORDS,
  FILLERS,
  HEAD_NOUNS,
  NEGATORS,
  STRUCTURAL,
} from "../../lexicon.ts";
import type { Token } from "../../text.ts";
import { overlaps } from "../clause.ts";
import { headerNameWords } from "./label.ts";
import type { Clause, MapRule } from "../types.ts";

/**
 * "DACH audience (DE / AT / CH)", "one-off buyers (only a single order ever)": words the user
 * defines in the parenthesis that follows them (a head noun or filler may sit between) are
 * what the parenthesis says, not unknown words.
 */
function definedInline(c: Clause, run: Token[]): boolean {
  const end = run[run.length - 1]!.end;
  const paren = c.parens.find((p) => p.start >= end);
  if (!paren) return false;
  const between = c.allTokens.filter((t) => t.start >= end && t.end <= paren.start);
  const inside = c.allTokens.filter(
    (t) => t.start > paren.start && t.end < paren.end && t.kind !== "symbol",
  );
  return (
    between.length <= 2 &&
    between.every((t) => FILLERS.has(t.lower) || HEAD_NOUNS.has(t.lower)) &&
    inside.some((t) => t.kind === "word" && !FILLERS.has(t.lower))
  );
}

/** Content words that nothing claimed make the request ambiguous: ask, don't guess. */
export const unmapped: MapRule = {
  name: "unmapped",
  doc: "Content words no date, mention or quantity claimed become a question with suggestions.",
  applies: () => true,
  apply(c, f) {
    const { scope } = f;
    // Words in parentheses explain ("Fees (postage, carriage and similar charges)"); what
    // they add is linked, what is not linked does not block.
    const named = headerNameWords(c);
    const covered = (t: Token) =>
      c.parens.some((x) => overlaps(x, t)) ||
      f.claimed.some((x) => overlaps(x, t)) ||
      named.includes(t) ||
      c.dates.some((x) => overlaps(x, t)) ||
      c.mentions.some((x) => overlaps(x, t)) ||
      c.quantities.some((q) => overlaps(q, t) || q.unit.slice(0, 2).includes(t.lower));
    const leftovers = c.tokens.filter(
      (t) =>
        t.kind === "word" &&
        !covered(t) &&
        !FILLERS.has(t.lower) &&
        !STRUCTURAL.has(t.lower) &&
        !NEGATORS.has(t.lower) &&
        !t.lower.endsWith("n't") &&
        !BUY_VERBS.has(t.lower) &&
        !CANCEL_WORDS.has(t.lower),
    );
    const runs: Token[][] = [];
    for (const t of leftovers) {
      const run = runs[runs.length - 1];
      const last = run?.[run.length - 1];
      const next = last ? c.tokens.indexOf(last) + 1 : -1;
      if (run && last && c.tokens[next] === t) run.push(t);
      else runs.push([t]);
    }
    for (const run of runs) {
      if (definedInline(c, run)) continue;
      const start = run[0]!.start;
      const end = run[run.length - 1]!.end;
      const phrase = scope.text.slice(start, end);
      const suggestions = scope.ctx.retriever
        .search(phrase, { limit: 3, kinds: ["attribute", "item", "measure"] })
        .filter((h) => h.score > 0.3);
      scope.ambiguities.push({
        key: `unmapped:${phrase.toLowerCase()}`,
        kind: "unmapped",
        span: { text: phrase, start, end },
        question:
          `I could not match "${phrase}" to anything in the ${scope.ctx.catalog.tenant} catalog` +
          ` (in "${c.seg.text}"). What did you mean?`,
        options: [
          ...suggestions.map((h) => ({
            label: h.value ? `${h.label} (${h.facetId})` : h.label,
            replacement: h.value ? h.label : h.matched,
          })),
          { label: `Ignore "${phrase}"`, replacement: "" },
        ],
      });
    }
  },
};
