import { describe, expect, it } from "vitest";
import { containsFragment, matchesPattern } from "../testing.ts";
import { runEditExample } from "./example.ts";
import { EDIT_EXAMPLES } from "./examples/index.ts";
import { EDIT_RULES } from "./rules.ts";

describe("edit rules", () => {
  it("every rule has a name of its own and at least two examples", () => {
    const names = EDIT_RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(EDIT_EXAMPLES).sort()).toEqual([...names].sort());
    for (const name of names) expect(EDIT_EXAMPLES[name]!.length, name).toBeGreaterThan(1);
  });

  for (const rule of EDIT_RULES) {
    describe(rule.name, () => {
      for (const ex of EDIT_EXAMPLES[rule.name] ?? []) {
        it(`${ex.base} ✎ ${ex.edit}`, async () => {
          const { plan, tree } = await runEditExample(ex);
          const detail = JSON.stringify(
            {
              rules: plan.rules,
              ops: plan.ops,
              refusal: plan.refusal,
              choices: plan.choices.map((c) => c.label),
              tree,
            },
            (k, v) => (k === "provenance" ? undefined : v),
            1,
          );
          // The rule the example is filed under is the one that decided.
          expect(plan.rules.filter((r) => !r.endsWith(":skipped"))[0]?.split(":")[0], detail).toBe(
            rule.name,
          );
          if (ex.refuses) {
            expect(plan.refusal?.code, detail).toBe(ex.refuses);
            expect(plan.ops, detail).toEqual([]);
            return;
          }
          expect(plan.refusal, detail).toBeNull();
          if (ex.asks !== undefined) {
            expect(plan.choices, detail).toHaveLength(ex.asks);
            return;
          }
          if (ex.restores !== undefined) {
            expect(plan.ops, detail).toEqual([
              { op: "restore", version: ex.restores, reason: expect.any(String) },
            ]);
            return;
          }
          expect(tree, detail).not.toBeNull();
          if (ex.root !== undefined) expect(matchesPattern(tree, ex.root), detail).toBe(true);
          if (ex.has !== undefined) expect(containsFragment(tree, ex.has), detail).toBe(true);
          if (ex.lacks !== undefined) expect(containsFragment(tree, ex.lacks), detail).toBe(false);
        });
      }
    });
  }

  it("points an edit's new conditions at the edit's own words and the next version", async () => {
    const { tree } = await runEditExample({
      base: "customers in France",
      edit: "and who spent over £500",
    });
    const added = tree?.type === "and" ? tree.children[1] : undefined;
    expect(added && "provenance" in added ? added.provenance : undefined).toMatchObject({
      span: "spent over £500",
      version: 2,
    });
  });
});
