import { describe, expect, it } from "vitest";
import { skillContext, testTenant } from "../skills/rules/testing.ts";
import type { SegmentDefinition } from "../state/segment.ts";
import {
  applyProposal,
  candidatesFrom,
  describeProposal,
  readsAs,
  type LearnableCorrection,
} from "./candidates.ts";

const tenant = testTenant("online-retail");
const ctx = skillContext(tenant);
const target: SegmentDefinition = {
  version: 1,
  tenant: "online-retail",
  asOf: ctx.dates.asOf,
  request: "r",
  root: { type: "and", children: [] },
};
const HOME_DECOR = "Bought Home Decor products at any time";

let n = 0;
function correction(
  phrase: string,
  meant: { description: string; span: string } | null,
  extra: Partial<LearnableCorrection> = {},
): LearnableCorrection {
  return {
    id: `c${++n}`,
    phrase,
    was: { description: "Bought Kitchen & Dining products at any time", span: phrase },
    meant,
    threadId: null,
    request: `${phrase} in Germany`,
    target,
    ...extra,
  };
}

describe("readsAs", () => {
  it("describes the one condition words read as", () => {
    expect(readsAs("home decor", ctx)).toBe(HOME_DECOR);
    expect(readsAs("customers with at least 2 orders", ctx)).toMatch(/2 orders/);
  });

  it("is null for words that read as several conditions or none", () => {
    expect(readsAs("home decor in France", ctx)).toBeNull();
    expect(readsAs("instead", ctx)).toBeNull();
  });
});

describe("candidatesFrom", () => {
  it("proposes a glossary entry standing for the edit's own words", () => {
    const { candidates, skipped } = candidatesFrom(
      [correction("bought tableware", { description: HOME_DECOR, span: "home decor" })],
      ctx,
    );
    expect(skipped).toEqual([]);
    expect(candidates).toEqual([
      {
        phrase: "bought tableware",
        proposal: {
          kind: "glossary",
          entry: {
            term: "bought tableware",
            meaning: HOME_DECOR,
            expansion: "home decor",
            aliases: [],
          },
        },
        correctionIds: [expect.any(String)],
      },
    ]);
  });

  it("falls back to the condition's description when the edit's words do not read alone", () => {
    const { candidates } = candidatesFrom(
      [correction("homeware", { description: HOME_DECOR, span: "that" })],
      ctx,
    );
    expect(candidates[0]?.proposal).toMatchObject({ entry: { expansion: HOME_DECOR } });
  });

  it("makes a phrase an alias of the entry that already means the condition", () => {
    const twoOrders = readsAs("customers with at least 2 orders", ctx)!;
    const { candidates } = candidatesFrom(
      [correction("loyal regulars", { description: twoOrders, span: "at least 2 orders" })],
      ctx,
    );
    expect(candidates[0]?.proposal).toEqual({
      kind: "synonym",
      term: "repeat customers",
      alias: "loyal regulars",
    });
  });

  it("merges corrections that teach the same thing", () => {
    const meant = { description: HOME_DECOR, span: "home decor" };
    const { candidates } = candidatesFrom(
      [correction("bought tableware", meant), correction("Bought tableware ", meant)],
      ctx,
    );
    expect(candidates).toHaveLength(1);
    expect(candidates[0]!.correctionIds).toHaveLength(2);
  });

  it("skips what no entry can teach, saying why", () => {
    const { candidates, skipped } = candidatesFrom(
      [
        correction("gift", null),
        correction("homeware", { description: HOME_DECOR, span: "home decor" }, { target: null }),
        correction("repeat buyers", { description: HOME_DECOR, span: "home decor" }),
        correction("homeware", { description: "Bought nothing anyone can say", span: "zzz" }),
      ],
      ctx,
    );
    expect(candidates).toEqual([]);
    expect(skipped.map((s) => s.reason)).toEqual([
      "the phrase was removed: nothing to read it as",
      "recorded before corrections kept their segment",
      '"repeat buyers" is already the glossary term "repeat customers"',
      'no words the parser reads as "Bought nothing anyone can say"',
    ]);
  });
});

describe("applyProposal", () => {
  const glossary = tenant.config.glossary;

  it("adds a new entry", () => {
    const next = applyProposal(glossary, {
      kind: "glossary",
      entry: { term: "homeware", meaning: HOME_DECOR, expansion: "home decor", aliases: [] },
    });
    expect(next).toHaveLength(glossary.length + 1);
    expect(next.at(-1)?.term).toBe("homeware");
    expect(glossary.some((g) => g.term === "homeware")).toBe(false);
  });

  it("adds an alias to the entry", () => {
    const next = applyProposal(glossary, {
      kind: "synonym",
      term: "repeat customers",
      alias: "loyal regulars",
    });
    expect(next.find((g) => g.term === "repeat customers")?.aliases).toContain("loyal regulars");
    expect(glossary.find((g) => g.term === "repeat customers")?.aliases).not.toContain(
      "loyal regulars",
    );
  });

  it("is described in one line", () => {
    expect(describeProposal({ kind: "synonym", term: "VIPs", alias: "whales" })).toBe(
      '"whales" also means glossary "VIPs"',
    );
  });
});
