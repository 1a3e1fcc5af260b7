import { describe, expect, it } from "vitest";
import { HashedNgramEmbedder, cosine, fnv1a32, normalizeForEmbedding } from "./embedder.ts";

const embedder = new HashedNgramEmbedder();

function sim(a: string, b: string, e: HashedNgramEmbedder = embedder): number {
  const [x, y] = e.embed([a, b]);
  return cosine(x!, y!);
}

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

describe("HashedNgramEmbedder", () => {
  it("produces L2-normalised vectors of the configured dimension", () => {
    const [v] = embedder.embed(["JUMBO BAG RED RETROSPOT"]);
    expect(v).toHaveLength(512);
    expect(norm(v!)).toBeCloseTo(1, 5);

    const small = new HashedNgramEmbedder({ dimension: 300 });
    const [w] = small.embed(["jumbo bag"]);
    expect(w).toHaveLength(300);
    expect(norm(w!)).toBeCloseTo(1, 5);
  });

  it("is deterministic across calls and instances", () => {
    const [a] = embedder.embed(["white hanging heart"]);
    const [b] = new HashedNgramEmbedder().embed(["white hanging heart"]);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(fnv1a32("retrospot")).toBe(fnv1a32("retrospot"));
  });

  it("ignores case, diacritics and punctuation", () => {
    expect(sim("JUMBO BAG", "jumbo bag")).toBeCloseTo(1, 5);
    expect(sim("Home Décor", "home decor")).toBeCloseTo(1, 5);
    expect(sim("T-LIGHT holder!", "t light holder")).toBeCloseTo(1, 5);
    expect(normalizeForEmbedding("  Crème  Brûlée, 2x ")).toBe("creme brulee 2x");
  });

  it("embeds empty and symbol-only text as the zero vector", () => {
    const [empty, symbols] = embedder.embed(["", "&!?"]);
    expect(norm(empty!)).toBe(0);
    expect(norm(symbols!)).toBe(0);
    expect(cosine(empty!, embedder.embed(["bag"])[0]!)).toBe(0);
  });

  it.each([
    ["jewelry", "jewellery", 0.45],
    ["jewelery", "jewellery", 0.55],
    ["retrospot", "retro spot", 0.6],
    ["decorations", "decoration", 0.75],
    ["kitchn", "kitchen", 0.45],
    ["German", "Germany", 0.6],
    ["red retrospot bag", "jumbo bag red retrospot", 0.7],
  ])("scores the variant pair %s / %s above %f", (a, b, min) => {
    expect(sim(a, b)).toBeGreaterThan(min);
  });

  it.each([
    ["kitchen", "jewellery"],
    ["shoe", "size"],
    ["shoe size", "spend"],
    ["orders", "revenue"],
    ["bag", "Switzerland"],
    ["christmas", "garden"],
  ])("scores the unrelated pair %s / %s below 0.2", (a, b) => {
    expect(sim(a, b)).toBeLessThan(0.2);
  });

  it("ranks a variant far above an unrelated word", () => {
    expect(sim("jewelry", "jewellery") - sim("jewelry", "kitchen")).toBeGreaterThan(0.35);
  });

  describe("IDF", () => {
    const corpus = [
      "JUMBO BAG RED RETROSPOT",
      "JUMBO BAG PINK POLKADOT",
      "LUNCH BAG RED RETROSPOT",
      "LUNCH BAG WOODLAND",
      "JUMBO BAG VINTAGE DOILY",
      "PAPER BAG SKULLS",
    ];

    it("down-weights features shared by most of the corpus", () => {
      const fitted = new HashedNgramEmbedder().fit(corpus);
      // The two names share only "bag", which every corpus text contains.
      expect(sim("lunch bag woodland", "paper bag skulls", fitted)).toBeLessThan(
        sim("lunch bag woodland", "paper bag skulls"),
      );
      // Distinctive shared words keep their weight.
      expect(sim("red retrospot", "lunch bag red retrospot", fitted)).toBeGreaterThan(0.6);
    });

    it("fitted() adapts a copy and leaves the original untouched", () => {
      const base = new HashedNgramEmbedder();
      const fitted = base.fitted(corpus);
      expect(base.isFitted).toBe(false);
      expect(fitted.isFitted).toBe(true);
      expect(fitted.id).not.toBe(base.id);
      expect(fitted.id).toBe(new HashedNgramEmbedder().fitted(corpus).id);
      expect(fitted.dimension).toBe(base.dimension);
    });
  });

  it("fitTransform() matches fitted() followed by embed(), row for row", () => {
    // Enough distinct n-grams (tens of thousands) to exercise the IDF table's growth.
    const corpus = Array.from(
      { length: 1500 },
      (_, i) => `item ${i.toString(36)} ${(i * 7919).toString(36)} ${["red", "blue"][i % 2]}`,
    );
    const { embedder: fitted, matrix } = new HashedNgramEmbedder().fitTransform(corpus);
    const reference = new HashedNgramEmbedder().fitted(corpus);
    expect(fitted.id).toBe(reference.id);
    expect(matrix).toHaveLength(corpus.length * 512);
    for (const i of [0, 1, 777, 1499]) {
      const row = matrix.subarray(i * 512, (i + 1) * 512);
      expect(Array.from(row)).toEqual(Array.from(reference.embed([corpus[i]!])[0]!));
    }
  });

  it("rejects invalid options", () => {
    expect(() => new HashedNgramEmbedder({ dimension: 1 })).toThrow(RangeError);
    expect(() => new HashedNgramEmbedder({ minN: 4, maxN: 3 })).toThrow(RangeError);
  });
});

describe("cosine", () => {
  it("is 1 for parallel, 0 for orthogonal and -1 for opposite vectors", () => {
    const a = Float32Array.from([1, 2, 0]);
    expect(cosine(a, Float32Array.from([2, 4, 0]))).toBeCloseTo(1, 6);
    expect(cosine(a, Float32Array.from([0, 0, 3]))).toBe(0);
    expect(cosine(a, Float32Array.from([-1, -2, 0]))).toBeCloseTo(-1, 6);
  });

  it("throws on vectors of different lengths", () => {
    expect(() => cosine(new Float32Array(2), new Float32Array(3))).toThrow(RangeError);
  });
});
