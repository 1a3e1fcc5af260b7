import { describe, expect, it } from "vitest";
import type { RuleNode } from "../state/segment.ts";
import { andWith, applyOps, leavesWithPaths, nodeAt, removeAt } from "./edit-ops.ts";
import { bought, country, lastBefore, spent } from "./testing.ts";

const nov = { from: "2011-11-01", to: "2011-12-01", label: "in November 2011" };
const tree: RuleNode = {
  type: "and",
  children: [country("France"), bought("Christmas", nov), { type: "not", child: bought("Bags") }],
};

describe("paths", () => {
  it("address the root, children and a NOT's child", () => {
    expect(nodeAt(tree, [])).toBe(tree);
    expect(nodeAt(tree, [0])).toEqual(country("France"));
    expect(nodeAt(tree, [2, 0])).toEqual(bought("Bags"));
    expect(nodeAt(tree, [5])).toBeUndefined();
  });

  it("list leaves depth first with their polarity", () => {
    expect(leavesWithPaths(tree).map((l) => [l.path.join("."), l.negated])).toEqual([
      ["0", false],
      ["1", false],
      ["2.0", true],
    ]);
  });
});

describe("removeAt", () => {
  it("drops a child and keeps the group", () => {
    expect(removeAt(tree, [1])).toEqual({
      type: "and",
      children: [country("France"), tree.type === "and" ? tree.children[2] : tree],
    });
  });
  it("collapses a group left with one child", () => {
    const two: RuleNode = { type: "and", children: [country("France"), spent("gt", 500)] };
    expect(removeAt(two, [0])).toEqual(spent("gt", 500));
  });
  it("drops a NOT whose child goes", () => {
    const r = removeAt(tree, [2, 0]);
    expect(r).toEqual({ type: "and", children: [country("France"), bought("Christmas", nov)] });
  });
  it("removing the root leaves nothing", () => {
    expect(removeAt(country("France"), [])).toBeNull();
  });
});

describe("andWith", () => {
  it("flattens ANDs on both sides", () => {
    const r = andWith(tree, {
      type: "and",
      children: [spent("gt", 500), lastBefore("2011-06-01")],
    });
    expect(r.type === "and" && r.children.length).toBe(5);
  });
  it("wraps a leaf root", () => {
    expect(andWith(country("France"), spent("gt", 500))).toEqual({
      type: "and",
      children: [country("France"), spent("gt", 500)],
    });
  });
});

describe("applyOps", () => {
  it("adds a condition", () => {
    const r = applyOps(country("France"), [{ op: "add", node: spent("gt", 500) }]);
    expect(r).toEqual({ type: "and", children: [country("France"), spent("gt", 500)] });
  });

  it("excludes with a NOT group", () => {
    const r = applyOps(country("France"), [{ op: "exclude", node: bought("Bags") }]);
    expect(r).toEqual({
      type: "and",
      children: [country("France"), { type: "not", child: bought("Bags") }],
    });
  });

  it("replaces attribute values and can negate them", () => {
    const r = applyOps(tree, [{ op: "set_values", path: [0], values: ["Germany"] }]);
    expect(nodeAt(r, [0])).toMatchObject({ values: ["Germany"], op: "in" });
    const n = applyOps(tree, [
      { op: "set_values", path: [0], values: ["Spain", "Spain"], negate: true },
    ]);
    expect(nodeAt(n, [0])).toMatchObject({ values: ["Spain"], op: "not_in" });
  });

  it("replaces an item filter's values", () => {
    const r = applyOps(tree, [
      { op: "set_values", path: [1], item: 0, values: ["Candles & Lighting"] },
    ]);
    expect(nodeAt(r, [1])).toMatchObject({
      item: { facet: "category", values: ["Candles & Lighting"] },
      window: nov,
    });
  });

  it("changes a threshold and keeps the rest", () => {
    const r = applyOps({ type: "and", children: [country("France"), spent("gt", 1000)] }, [
      { op: "set_comparison", path: [1], comparison: { op: "gt", value: 2000 } },
    ]);
    expect(nodeAt(r, [1])).toMatchObject({
      measure: "spend",
      comparison: { op: "gt", value: 2000 },
    });
  });

  it("changes or drops a window", () => {
    const q3 = { from: "2011-07-01", to: "2011-10-01", label: "Q3 2011" };
    expect(
      nodeAt(applyOps(tree, [{ op: "set_window", path: [1], window: q3 }]), [1]),
    ).toMatchObject({ window: q3 });
    const stripped = nodeAt(applyOps(tree, [{ op: "strip_window", path: [1] }]), [1]);
    expect(stripped).toEqual(bought("Christmas"));
  });

  it("applies several removals against the original paths", () => {
    const r = applyOps(tree, [
      { op: "remove", path: [0] },
      { op: "remove", path: [2] },
    ]);
    expect(r).toEqual(bought("Christmas", nov));
  });

  it("removes both children of a pair at once, though the first removal collapses the pair", () => {
    const pair: RuleNode = { type: "and", children: [country("France"), spent("gt", 500)] };
    const inGroup: RuleNode = {
      type: "and",
      children: [bought("Bags"), { type: "or", children: [country("France"), spent("gt", 500)] }],
    };
    expect(
      applyOps(inGroup, [
        { op: "remove", path: [1, 0] },
        { op: "remove", path: [1, 1] },
      ]),
    ).toEqual(bought("Bags"));
    expect(() =>
      applyOps(pair, [
        { op: "remove", path: [1] },
        { op: "remove", path: [0] },
      ]),
    ).toThrow(expect.objectContaining({ code: "empty" }));
  });

  it("refuses an edit that leaves no condition", () => {
    expect(() => applyOps(country("France"), [{ op: "remove", path: [] }])).toThrow(
      expect.objectContaining({ code: "empty" }),
    );
  });

  it("refuses operations on the wrong kind of condition", () => {
    expect(() => applyOps(tree, [{ op: "strip_window", path: [0] }])).toThrow(/window/);
    expect(() =>
      applyOps(tree, [{ op: "set_comparison", path: [0], comparison: { op: "gt", value: 1 } }]),
    ).toThrow(/threshold/);
    expect(() => applyOps(tree, [{ op: "remove", path: [9] }])).toThrow(
      expect.objectContaining({ code: "bad_path" }),
    );
    expect(() => applyOps(tree, [{ op: "restore", version: 1, reason: "undo" }])).toThrow(
      /history/,
    );
  });

  it("never changes the tree it was given", () => {
    const copy = structuredClone(tree);
    applyOps(tree, [
      { op: "set_values", path: [0], values: ["Spain"] },
      { op: "remove", path: [1] },
      { op: "add", node: spent("gt", 5) },
    ]);
    expect(tree).toEqual(copy);
  });
});
