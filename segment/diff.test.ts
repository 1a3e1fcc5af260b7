import { describe, expect, it } from "vitest";
import type { RuleNode } from "../state/segment.ts";
import { diffTrees } from "./diff.ts";
import { bought, country, spent, TINY_CATALOG } from "./testing.ts";

const base: RuleNode = { type: "and", children: [country("France"), spent("gt", 1000)] };

describe("diffTrees", () => {
  it("reports an added condition and the size change", () => {
    const after: RuleNode = {
      type: "and",
      children: [country("France"), spent("gt", 1000), bought("Bags")],
    };
    const d = diffTrees(base, after, TINY_CATALOG, {
      sizeBefore: 40,
      sizeAfter: 12,
      fromVersion: 1,
      toVersion: 2,
    });
    expect(d.added.map((a) => a.description)).toEqual(["Bought Bags products at any time"]);
    expect(d.removed).toEqual([]);
    expect(d.changed).toEqual([]);
    expect(d.unchanged).toBe(2);
    expect(d.summary).toContain("Size: 40 → 12 customers (-28).");
  });

  it("reports a removed condition", () => {
    const d = diffTrees(base, country("France"), TINY_CATALOG);
    expect(d.removed.map((r) => r.description)).toEqual(["Spent more than £1,000.00 at any time"]);
    expect(d.summary[0]).toBe("Removed: Spent more than £1,000.00 at any time.");
  });

  it("pairs a condition whose values changed instead of listing a removal and an addition", () => {
    const after: RuleNode = { type: "and", children: [country("Germany"), spent("gt", 2000)] };
    const d = diffTrees(base, after, TINY_CATALOG);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.changed.map((c) => c.what)).toEqual([
      ["country: France → Germany"],
      ["threshold: > 1000 → > 2000"],
    ]);
  });

  it("keeps included and excluded conditions apart", () => {
    const after: RuleNode = {
      type: "and",
      children: [base, { type: "not", child: bought("Bags") }],
    };
    const d = diffTrees({ type: "and", children: [base, bought("Bags")] }, after, TINY_CATALOG);
    expect(d.added.map((a) => [a.description, a.excluded])).toEqual([
      ["NOT Bought Bags products at any time", true],
    ]);
    expect(d.removed.map((a) => a.excluded)).toEqual([false]);
  });

  it("says so when nothing changed, ignoring provenance", () => {
    const moved = {
      ...country("France"),
      provenance: { ...country("France").provenance, start: 9, end: 15 },
    };
    const d = diffTrees(country("France"), moved, TINY_CATALOG);
    expect(d.unchanged).toBe(1);
    expect(d.summary).toEqual(["No condition changed."]);
  });

  it("diffs against nothing (a first version)", () => {
    const d = diffTrees(null, base, TINY_CATALOG);
    expect(d.added).toHaveLength(2);
  });
});
