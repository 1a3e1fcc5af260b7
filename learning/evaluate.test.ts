import { describe, expect, it } from "vitest";
import { mayBeAffected, reachOf } from "./evaluate.ts";

const known = new Set(["bought", "gift", "customers", "in", "germany"]);
const isKnown = (w: string) => known.has(w);

describe("reachOf", () => {
  it("keeps the candidate's phrases and only the words new to the vocabulary", () => {
    const reach = reachOf(
      {
        kind: "glossary",
        entry: {
          term: "Bought Tableware",
          meaning: "m",
          expansion: "home decor",
          aliases: ["crockery"],
        },
      },
      isKnown,
    );
    expect(reach).toEqual({
      phrases: ["bought tableware", "crockery"],
      newWords: ["tableware", "crockery"],
    });
  });

  it("reaches a synonym through its alias", () => {
    expect(reachOf({ kind: "synonym", term: "VIPs", alias: "big fish" }, isKnown)).toEqual({
      phrases: ["big fish"],
      newWords: ["big", "fish"],
    });
  });
});

describe("mayBeAffected", () => {
  const reach = { phrases: ["bought tableware"], newWords: ["tableware"] };

  it("is true where the phrase occurs whole, in any case", () => {
    expect(mayBeAffected("Customers who Bought Tableware in May", reach)).toBe(true);
  });

  it("is true for a word the speller could now correct into a new word", () => {
    expect(mayBeAffected("who bought tablewear", reach)).toBe(true);
    expect(mayBeAffected("tableware buyers", reach)).toBe(true);
  });

  it("is false where only known words are shared", () => {
    expect(mayBeAffected("customers who bought bags in Germany", reach)).toBe(false);
  });

  it("ignores a phrase inside a longer word", () => {
    expect(mayBeAffected("gifts", { phrases: ["gift"], newWords: [] })).toBe(false);
  });

  it("leaves short words alone: the speller never rewrites them", () => {
    expect(mayBeAffected("a mug", { phrases: ["mud"], newWords: ["mud"] })).toBe(false);
  });
});
