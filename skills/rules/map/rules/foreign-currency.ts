import type { MapRule } from "../types.ts";

const SYMBOL: Record<string, string> = { GBP: "£", USD: "$", EUR: "€" };
const FOREIGN = /[$€]|\b(dollars?|usd|euros?|eur)\b/gi;

/** "over $500" → "over £500": the same figures in the tenant's currency. */
function inOwnCurrency(text: string, sign: string): string {
  return text
    .replace(FOREIGN, "")
    .replace(/(^|[^\d.,£$€])(\d)/g, `$1${sign}$2`)
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
    const sign = SYMBOL[catalog.currency] ?? `${catalog.currency} `;
    for (const q of c.quantities) {
      if (!q.currency || q.currency === catalog.currency) continue;
      const same = inOwnCurrency(q.text, sign);
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
