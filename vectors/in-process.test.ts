import { describe, expect, it } from "vitest";
import { InProcessVectorStore } from "./in-process.ts";

const unit = (...xs: number[]) => Float32Array.from(xs);

describe("InProcessVectorStore", () => {
  it("keeps the rows handed out by replaceNow fixed while the tenant is written to", () => {
    const store = new InProcessVectorStore(2);
    const rows = store.replaceNow(
      "catalog_value",
      "t",
      { ids: ["a", "b"], texts: ["A", "B"] },
      Float32Array.from([1, 0, 0, 1]),
    );
    store.deleteNow({ kind: "catalog_value", tenant: "t", ids: ["a"] });
    store.upsertNow([{ kind: "catalog_value", tenant: "t", id: "c", vector: [1, 0], text: "C" }]);
    expect(Array.from(rows.scores(unit(1, 0)))).toEqual([1, 0]);
    const now = store.searchNow({ kind: "catalog_value", tenant: "t", vector: [1, 0], k: 5 });
    expect(now.map((m) => m.id)).toEqual(["c", "b"]);
  });

  it("counts what a deletion removed", () => {
    const store = new InProcessVectorStore(2);
    store.upsertNow(
      ["a", "b", "c"].map((id) => ({
        kind: "recipe" as const,
        tenant: "t",
        id,
        vector: [1, 1],
        text: id,
      })),
    );
    expect(store.deleteNow({ kind: "recipe", tenant: "t", ids: ["a", "a", "zz"] })).toBe(1);
    expect(store.deleteNow({ kind: "recipe", tenant: "other" })).toBe(0);
    expect(store.deleteNow({ kind: "recipe", tenant: "t" })).toBe(2);
    expect(store.count("recipe", "t")).toBe(0);
  });

  it("normalises what it stores, so scores are cosines whatever the input's length", () => {
    const store = new InProcessVectorStore(2);
    store.upsertNow([{ kind: "recipe", tenant: "t", id: "a", vector: [3, 4], text: "" }]);
    const [hit] = store.searchNow({ kind: "recipe", tenant: "t", vector: [10, 0], k: 1 });
    expect(hit!.score).toBeCloseTo(0.6, 6);
  });

  it("refuses a prebuilt matrix that does not match its ids", () => {
    const store = new InProcessVectorStore(2);
    expect(() =>
      store.replaceNow("catalog_value", "t", { ids: ["a"], texts: ["A"] }, new Float32Array(4)),
    ).toThrow(RangeError);
  });
});
