import { NUMBER_WORDS } from "../../lexicon.ts";
import { cuesOf } from "../clause.ts";
import type { Clause, MapRule, Tagged } from "../types.ts";

/** Index of the tag's first number token ("over 200 days ago"), else of its first token. */
function numberIndex(c: Clause, tag: Tagged): number {
  const inside = c.tokens
    .map((t, i) => ({ t, i }))
    .filter(({ t }) => t.start >= tag.start && t.end <= tag.end);
  const n = inside.find(
    ({ t }) => t.kind === "number" || t.lower in NUMBER_WORDS || t.lower === "a",
  );
  return (n ?? inside[0])?.i ?? -1;
}

/**
 * "more than 6 months ago" is before that day; "less than 30 days ago" is after it. The
 * comparator sits right before the number, in the tag or just before it.
 */
export const agoComparison: MapRule = {
  name: "ago-comparison",
  doc: "A comparator before 'N ago' turns the day N ago into an upper or lower bound.",
  applies: (c, f) => f.tagWindows.length > 0 && c.tokens.some((t) => t.lower === "ago"),
  apply(c, f) {
    for (const tw of f.tagWindows) {
      const { tag, window: w } = tw;
      const last = c.tokens.filter((t) => t.start >= tag.start && t.end <= tag.end).at(-1);
      if (!w.from || last?.lower !== "ago") continue;
      const at = numberIndex(c, tag);
      const before = (kind: "more-than" | "less-than") =>
        cuesOf(c, kind).some((cue) => cue.last === at - 1);
      if (before("more-than")) tw.window = { to: w.from, label: `more than ${tag.text}` };
      else if (before("less-than")) tw.window = { from: w.from, label: `less than ${tag.text}` };
    }
  },
};
