import { describe, expect, it } from "vitest";
import { buildNsc } from "./nsc.ts";

const edgesOf = (languageSteps: "parallel" | "sequential") =>
  buildNsc({ languageSteps })
    .compile()
    .getGraph()
    .edges.map((e) => `${e.source}->${e.target}`);

describe("creation's wiring", () => {
  it("runs date tagging and linking side by side after decompose, joined before mapping", () => {
    const edges = edgesOf("parallel");
    expect(edges).toEqual(
      expect.arrayContaining([
        "decompose->tagDates",
        "decompose->shortlistFacets",
        "tagDates->mapFacets",
        "shortlistFacets->mapFacets",
      ]),
    );
    expect(edges).not.toContain("tagDates->shortlistFacets");
  });

  it("has a variant with the same steps one after another, for the latency benchmark", () => {
    const edges = edgesOf("sequential");
    expect(edges).toEqual(
      expect.arrayContaining([
        "decompose->tagDates",
        "tagDates->shortlistFacets",
        "shortlistFacets->mapFacets",
      ]),
    );
    expect(edges).not.toContain("decompose->shortlistFacets");
    const nodes = (v: "parallel" | "sequential") =>
      Object.keys(buildNsc({ languageSteps: v }).compile().getGraph().nodes).sort();
    expect(nodes("sequential")).toEqual(nodes("parallel"));
  });
});
