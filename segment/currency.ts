/**
 * A user's currency formatting (state/memory.ts `CurrencyFormat`) applied to explanation
 * lines. The explainer writes amounts one way (en-GB, `£1,000.00`); a preference rewrites
 * those amounts, and nothing else, for display.
 */
import type { CurrencyFormat } from "../state/memory.ts";

const SYMBOLS: Record<string, string> = { "£": "GBP", $: "USD", "€": "EUR" };

/** `£1,234.50` as `GBP 1,234.50`, `£1,235` or `GBP 1,235`, per the preference. */
export function formatAmounts(line: string, format: CurrencyFormat | undefined): string {
  if (!format || (format.display === "symbol" && format.decimals === 2)) return line;
  return line.replace(
    /([£$€])(\d{1,3}(?:,\d{3})*)(\.\d+)?/g,
    (_, symbol: string, whole: string, frac?: string) => {
      const value = Number(`${whole.replace(/,/g, "")}${frac ?? ""}`);
      const digits = new Intl.NumberFormat("en-GB", {
        minimumFractionDigits: format.decimals,
        maximumFractionDigits: format.decimals,
      }).format(value);
      return format.display === "code" ? `${SYMBOLS[symbol]} ${digits}` : `${symbol}${digits}`;
    },
  );
}
