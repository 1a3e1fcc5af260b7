import { NUMBER_WORDS } from "../../lexicon.ts";
import type { MapRule } from "../types.ts";

const ORDER_NOUNS = new Set(["order", "purchase", "transaction", "basket", "invoice"]);
const LINKS = new Set(["worth", "of", "valued", "totalling", "totaling", "at"]);

/**
 * "a single order over £200", "at least one order worth £300": one order and its value — the
 * count only names the order whose value is compared, so it is no condition of its own.
 */
export const singleOrder: MapRule = {
  name: "single-order",
  doc: "'one order over £X' is one order's value, not a count of one beside an amount.",
  applies: (_c, f) => f.countQuantities.length >= 2,
  apply(c, f) {
    for (const one of [...f.countQuantities]) {
      if (one.value !== 1 || (one.op !== "eq" && one.op !== "gte") || one.currency) continue;
      const noun = c.tokens[one.tokens[1] + 1];
      if (!noun || !ORDER_NOUNS.has(noun.lower)) continue;
      const amount = f.countQuantities.find((q) => {
        if (!q.currency || q.start < noun.end) return false;
        const between = c.tokens.slice(one.tokens[1] + 2, q.tokens[0]);
        return between.length <= 1 && between.every((t) => LINKS.has(t.lower));
      });
      if (amount && !(noun.lower in NUMBER_WORDS))
        f.countQuantities = f.countQuantities.filter((q) => q !== one);
    }
  },
};
