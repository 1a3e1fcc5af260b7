import { describe, expect, it } from "vitest";
import { containsFragment, matchesPattern, parseRequest } from "../testing.ts";
import { RULE_EXAMPLES } from "./examples.ts";
import { CLAUSE_RULES, REQUEST_PASSES } from "./passes.ts";

const RULES = [...CLAUSE_RULES, ...REQUEST_PASSES];

describe("mapper rules", () => {
  it("every rule has a name of its own and at least two examples", () => {
    const names = RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(RULE_EXAMPLES[name]?.length ?? 0, name).toBeGreaterThan(1);
    expect(Object.keys(RULE_EXAMPLES).sort()).toEqual([...names].sort());
  });

  for (const rule of RULES) {
    describe(rule.name, () => {
      for (const ex of RULE_EXAMPLES[rule.name] ?? []) {
        it(ex.phrase, () => {
          const p = parseRequest(ex.phrase, { tenant: ex.tenant, asOf: ex.asOf });
          const detail = JSON.stringify(
            {
              text: p.text,
              rejection: p.rejection,
              root: p.root,
              asks: p.ambiguities.map((a) => a.key),
              rules: p.rules,
            },
            (k, v) => (k === "provenance" ? undefined : v),
            1,
          );
          if (ex.fires === false) expect(p.rules, detail).not.toContain(rule.name);
          else expect(p.rules, detail).toContain(rule.name);
          if (ex.root !== undefined) expect(matchesPattern(p.root, ex.root), detail).toBe(true);
          if (ex.has !== undefined) expect(containsFragment(p.root, ex.has), detail).toBe(true);
          if (ex.lacks !== undefined)
            expect(containsFragment(p.root, ex.lacks), detail).toBe(false);
          const keys = p.ambiguities.map((a) => a.key);
          if (ex.asks !== undefined)
            expect(
              keys.some((k) => k.startsWith(ex.asks!)),
              detail,
            ).toBe(true);
          else expect(keys, detail).toEqual([]);
        });
      }
    });
  }
});
