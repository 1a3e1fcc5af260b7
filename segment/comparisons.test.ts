import { describe, expect, it } from "vitest";
import { intersects } from "./comparisons.ts";

describe("intersects", () => {
  it.each([
    [{ op: "gt", value: 500 }, { op: "lt", value: 100 }, false],
    [{ op: "gt", value: 500 }, { op: "gt", value: 2000 }, true],
    [{ op: "gte", value: 10 }, { op: "lt", value: 5 }, false],
    [{ op: "gte", value: 5 }, { op: "lte", value: 5 }, true],
    [{ op: "gt", value: 5 }, { op: "lte", value: 5 }, false],
    [{ op: "between", value: 1, value2: 3 }, { op: "eq", value: 3 }, true],
    [{ op: "eq", value: 2 }, { op: "eq", value: 3 }, false],
  ] as const)("%j and %j → %s", (a, b, expected) => {
    expect(intersects(a, b)).toBe(expected);
    expect(intersects(b, a)).toBe(expected);
  });
});
