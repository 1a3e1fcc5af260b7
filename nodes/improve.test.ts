import { END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { routeAfterValidate } from "../graphs/routes.ts";
import { bought, country } from "../segment/testing.ts";
import { rulesSkills } from "../skills/rules/index.ts";
import { testTenant } from "../skills/rules/testing.ts";
import type { NscContext, TenantRuntime } from "../state/context.ts";
import { NscState, type NscStateType } from "../state/graph-state.ts";
import type { RuleNode } from "../state/segment.ts";
import { onlineRetailBinding } from "../warehouse/binding.ts";
import type { Warehouse } from "../warehouse/execute.ts";
import { improve, improveDraft } from "./improve.ts";
import { unsureReadings, validate, validateDraft } from "./validate.ts";

const runtime: TenantRuntime = { ...testTenant("online-retail"), binding: onlineRetailBinding };
const context: NscContext = {
  tenant: (id) => (id === "online-retail" ? runtime : undefined),
  warehouse: {} as Warehouse,
  skills: rulesSkills(),
};
const AS_OF = "2011-12-10";

/** Values near a catalog value and a condition stated twice: what improve repairs. */
const broken: RuleNode = {
  type: "and",
  children: [country("Germny"), bought("Bags"), bought("Bags")],
};

/** validate ⇄ improve, as the NSC graph wires them; anything else ends the run. */
function loop() {
  return new StateGraph(NscState)
    .addNode("validate", validate)
    .addNode("improve", improve)
    .addEdge(START, "validate")
    .addConditionalEdges("validate", (s: NscStateType, config) => {
      const next = routeAfterValidate(s, config);
      return next === "improve" ? "improve" : END;
    })
    .addEdge("improve", "validate")
    .compile();
}

describe("the improve loop", () => {
  it("finds what is wrong, repairs it, and validates again until nothing is", async () => {
    const findings = validateDraft(broken, [], {}, runtime, AS_OF);
    expect(findings.map((f) => `${f.code}:${f.fixable}`)).toEqual([
      "unknown_value:true",
      "duplicate:true",
    ]);
    const changes: string[] = [];
    const repaired = improveDraft(broken, runtime, changes);
    expect(changes).toEqual([
      "grounded country values Germny -> Germany",
      "dropped a duplicate condition",
    ]);
    expect(validateDraft(repaired, [], {}, runtime, AS_OF)).toEqual([]);
  });

  it("runs in the graph: validate, improve, validate, done", async () => {
    const out = await loop().invoke(
      { tenant: "online-retail", asOf: AS_OF, draft: broken, ambiguities: [], answers: {} },
      { context },
    );
    expect(out.improveAttempts).toBe(1);
    expect(out.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(out.draft).toMatchObject({
      type: "and",
      children: [{ values: ["Germany"] }, { item: { values: ["Bags"] } }],
    });
    expect(out.audit.map((a) => a.step)).toEqual(["validate", "improve", "validate"]);
  });

  it("stops at the configured number of rounds when a repair does not hold", async () => {
    const hopeless: RuleNode = {
      type: "and",
      children: [country("Atlantis"), country("Atlantis")],
    };
    const out = await loop().invoke(
      {
        tenant: "online-retail",
        asOf: AS_OF,
        text: "customers in Atlantis",
        draft: hopeless,
        ambiguities: [],
        answers: {},
      },
      { context, configurable: { maxImproveAttempts: 1 } },
    );
    expect(out.improveAttempts).toBe(1);
    // Nothing of the draft survives grounding: the validator says so and the loop ends.
    expect(out.findings.map((f) => f.code)).toEqual(["no_conditions"]);
  });
});

describe("clarifyBelowConfidence", () => {
  const unsure: RuleNode = {
    ...country("France"),
    provenance: { ...country("France").provenance, confidence: 0.4 },
  };

  it("asks about a reading the mapper was less sure of than the threshold", () => {
    const asks = unsureReadings(unsure, 0.5, runtime.catalog);
    expect(asks.map((a) => a.key)).toEqual(["unsure:france"]);
    expect(asks[0]!.question).toContain("Country is France");
    expect(unsureReadings(unsure, 0.3, runtime.catalog)).toEqual([]);
  });

  it("turns into a finding until answered, then never again", async () => {
    const config = { context, configurable: { clarifyBelowConfidence: 0.5 } };
    const state = {
      tenant: "online-retail",
      asOf: AS_OF,
      draft: unsure,
      ambiguities: [],
      answers: {},
    };
    const first = await validate(state as unknown as NscStateType, config);
    expect(first.findings?.map((f) => f.code)).toEqual(["ambiguity"]);
    const answered = await validate(
      { ...state, answers: { "unsure:france": "1" } } as unknown as NscStateType,
      config,
    );
    expect(answered.findings).toEqual([]);
  });
});
