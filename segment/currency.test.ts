import { describe, expect, it } from "vitest";
import { formatAmounts } from "./currency.ts";

describe("formatAmounts", () => {
  const line = "Spent more than £1,000.00 at any time (no orders counts as £0)";

  it("leaves the explainer's own format alone without a preference", () => {
    expect(formatAmounts(line, undefined)).toBe(line);
    expect(formatAmounts(line, { display: "symbol", decimals: 2 })).toBe(line);
  });

  it("writes the currency code instead of the symbol", () => {
    expect(formatAmounts(line, { display: "code", decimals: 2 })).toBe(
      "Spent more than GBP 1,000.00 at any time (no orders counts as GBP 0.00)",
    );
  });

  it("rounds to whole units", () => {
    expect(formatAmounts("Spent more than £1,234.50", { display: "symbol", decimals: 0 })).toBe(
      "Spent more than £1,235",
    );
  });

  it("touches no number that is not an amount", () => {
    expect(
      formatAmounts("Placed at least 10 orders from 2011-01-01", { display: "code", decimals: 0 }),
    ).toBe("Placed at least 10 orders from 2011-01-01");
  });
});
