import { SYMBOL_CURRENCY, WORD_CURRENCY } from "../../quantities.ts";
import type { MapRule } from "../types.ts";

/** "over $500" → "over £500": the same figures in `own`, the tenant's currency. */
function inOwnCurrency(text: string, own: string): string {
  const sign = Object.keys(SYMBOL_CURRENCY).find((k) => SYMBOL_CURRENCY[k] === own);
  const words = Object.keys(WORD_CURRENCY).filter((w) => WORD_CURRENCY[w] !== own);
  const signs = Object.keys(SYMBOL_CURRENCY)
    .map((k) => `\\${k}`)
    .join("");
  return text
    .replace(new RegExp(`[${signs}]|\\b(${words.join("|")})\\b`, "gi"), "")
    .replace(new RegExp(`(^|[^\\d.,${signs}])(\\d)`, "g"), `$1${sign ?? `${own} `}$2`)
    .replace(/\s{2,}/g, " ")
    .trim();
}

/**
 * "spent over $500" in a tenant whose amounts are in pounds: the amount is neither converted
 * nor read as a count; it is asked about, offering the same figures in the tenant's currency
 * (never assumed: the user picks them or types another amount).
 */
export const foreignCurrency: MapRule = {
  name: "foreign-currency",
  doc: "An amount in a currency that is not the tenant's is a question, never another condition.",
  applies: (c, f) =>
    c.quantities.some((q) => q.currency && q.currency !== f.scope.ctx.catalog.currency),
  apply(c, f) {
    const { catalog } = f.scope.ctx;
    for (const q of c.quantities) {
      if (!q.currency || q.currency === catalog.currency) continue;
      const same = inOwnCurrency(q.text, catalog.currency);
      f.scope.ambiguities.push({
        key: `foreign-currency:${q.start}`,
        kind: "ambiguous_value",
        span: { text: q.text, start: q.start, end: q.end },
        question: `Amounts in the ${catalog.tenant} catalog are in ${catalog.currency}; "${q.text}" is in ${q.currency}, which is not converted. Which amount in ${catalog.currency} do you mean? Pick one or type your own.`,
        options: [{ label: same, replacement: same }],
      });
    }
  },
};
