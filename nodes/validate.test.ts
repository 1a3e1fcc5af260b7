import { describe, expect, it } from "vitest";
import { demoRetailBinding } from "../catalog/demo-retail.ts";
import { testTenant, type TestTenantId } from "../skills/rules/testing.ts";
import type { TenantRuntime } from "../state/context.ts";
import type { RuleNode } from "../state/segment.ts";
import { bought, country, lastBefore, prov, spent } from "../segment/testing.ts";
import { onlineRetailBinding } from "../warehouse/binding.ts";
import { validateDraft } from "./validate.ts";

function runtime(id: TestTenantId): TenantRuntime {
  const t = testTenant(id);
  return { ...t, binding: id === "online-retail" ? onlineRetailBinding : demoRetailBinding };
}

const AS_OF = "2011-12-10";
const codes = (draft: RuleNode | null, id: TestTenantId = "online-retail") =>
  validateDraft(draft, [], {}, runtime(id), AS_OF).map((f) => `${f.severity}:${f.code}`);

/** draft -> the findings it must give ([] = valid) */
const EXAMPLES: [string, RuleNode | null, string[], TestTenantId?][] = [
  ["a grounded tree is valid", { type: "and", children: [country("Germany"), bought("Bags")] }, []],
  ["nothing mapped", null, ["error:no_conditions"]],
  ["a country that is not in the catalog", country("Atlantis"), ["error:unknown_value"]],
  [
    "a facet the tenant does not have",
    {
      type: "attribute",
      facet: "shoe_size",
      op: "in",
      values: ["42"],
      provenance: prov("size 42"),
    },
    ["error:unknown_facet"],
  ],
  [
    "a product word no product name contains",
    {
      type: "behaviour",
      event: "order",
      item: { facet: "product_word", values: ["zzyzx"] },
      measure: "exists",
      provenance: prov("zzyzx"),
    },
    ["error:unknown_value"],
  ],
  [
    "spend over and under at once",
    { type: "and", children: [spent("gt", 500), spent("lt", 100)] },
    ["error:contradiction"],
  ],
  [
    "two countries at once",
    { type: "and", children: [country("France"), country("Germany")] },
    ["error:contradiction"],
  ],
  [
    "bought after the last purchase",
    {
      type: "and",
      children: [
        lastBefore("2011-06-01"),
        bought("Bags", { from: "2011-11-01", label: "in November" }),
      ],
    },
    ["error:contradiction"],
  ],
  [
    "the same condition twice",
    { type: "and", children: [bought("Bags"), bought("Bags")] },
    ["warning:duplicate"],
  ],
  ["a threshold out of range", { ...spent("gt", 1e12) }, ["error:value_range"]],
  [
    "fewer than one order",
    {
      type: "behaviour",
      event: "order",
      measure: "orders",
      comparison: { op: "lt", value: 1 },
      provenance: prov("fewer than 1 order"),
    },
    ["error:value_range"],
  ],
  [
    "a window after the as-of date",
    bought("Bags", { from: "2012-01-01", label: "in 2012" }),
    ["warning:future_window"],
  ],
  [
    "a restricted facet",
    {
      type: "attribute",
      facet: "gender",
      op: "in",
      values: ["female"],
      provenance: prov("female"),
    },
    ["error:restricted_facet"],
    "demo-retail",
  ],
];

describe("validateDraft", () => {
  for (const [name, draft, expected, tenant] of EXAMPLES) {
    it(name, () => expect(codes(draft, tenant)).toEqual(expected));
  }

  it("turns an open ambiguity into an error until it is answered", () => {
    const ambiguity = {
      key: "unmapped:shoe size",
      kind: "unmapped" as const,
      span: { text: "shoe size", start: 0, end: 9 },
      question: "What is shoe size?",
      options: [],
    };
    const tenant = runtime("online-retail");
    expect(validateDraft(country("France"), [ambiguity], {}, tenant, AS_OF)[0]?.code).toBe(
      "ambiguity",
    );
    expect(
      validateDraft(country("France"), [ambiguity], { "unmapped:shoe size": "1" }, tenant, AS_OF),
    ).toEqual([]);
  });

  it("rejects a tree that breaks the schema", () => {
    const broken = {
      type: "attribute",
      facet: "country",
      op: "in",
      values: [],
    } as unknown as RuleNode;
    expect(codes(broken)).toEqual(["error:schema"]);
  });
});
