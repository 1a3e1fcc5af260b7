import { describe, expect, it } from "vitest";
import type { DiffItem, SegmentDiff } from "../state/edit.ts";
import { correctionsFromDiff } from "./corrections.ts";

const it_ = (description: string, span: string): DiffItem => ({
  description,
  span,
  excluded: false,
});
function diff(parts: Partial<Pick<SegmentDiff, "added" | "removed" | "changed">>): SegmentDiff {
  return {
    added: [],
    removed: [],
    changed: [],
    unchanged: 0,
    fromVersion: 1,
    toVersion: 2,
    sizeBefore: null,
    sizeAfter: null,
    summary: [],
    ...parts,
  };
}

const BUNTING = it_('Bought a product whose name contains "bunting" at any time', "bought bunting");
const PARTY = it_("Bought Party & Celebrations products at any time", "party & celebrations");

describe("correctionsFromDiff", () => {
  it("reads a changed condition as its words meaning the new one", () => {
    const before = it_("Bought Home Decor products at any time", "bought decorations");
    const after = it_("Bought Christmas products at any time", "christmas");
    expect(correctionsFromDiff(diff({ changed: [{ before, after, what: [] }] }))).toEqual([
      {
        phrase: "bought decorations",
        was: { description: before.description, span: before.span },
        meant: { description: after.description, span: after.span },
      },
    ]);
  });

  it("reads a removed condition as words that meant nothing", () => {
    expect(correctionsFromDiff(diff({ removed: [BUNTING] }))).toEqual([
      {
        phrase: "bought bunting",
        was: { description: BUNTING.description, span: BUNTING.span },
        meant: null,
      },
    ]);
  });

  it("pairs the one condition removed with the one added: a replacement by another kind", () => {
    expect(correctionsFromDiff(diff({ removed: [BUNTING], added: [PARTY] }))).toEqual([
      {
        phrase: "bought bunting",
        was: { description: BUNTING.description, span: BUNTING.span },
        meant: { description: PARTY.description, span: PARTY.span },
      },
    ]);
  });

  it("pairs nothing when more than one was removed or added", () => {
    const other = it_("Country is France", "France");
    const out = correctionsFromDiff(diff({ removed: [BUNTING, other], added: [PARTY] }));
    expect(out.map((c) => [c.phrase, c.meant])).toEqual([
      ["bought bunting", null],
      ["France", null],
    ]);
    expect(correctionsFromDiff(diff({ added: [PARTY] }))).toEqual([]);
  });

  it("skips conditions that quote no words", () => {
    expect(correctionsFromDiff(diff({ removed: [it_("Country is France", " ")] }))).toEqual([]);
  });
});
