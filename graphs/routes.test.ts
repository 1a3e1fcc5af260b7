/**
 * Every router of the three graphs, on the state fields it reads: each returns the node its
 * doc promises, and only names listed in its graph's addConditionalEdges.
 */
import { describe, expect, it } from "vitest";
import type { ConversationStateType, DseStateType } from "../state/conversation-state.ts";
import type { EditPlan } from "../state/edit.ts";
import type { Finding, NscStateType } from "../state/graph-state.ts";
import type { Session } from "../state/session.ts";
import {
  routeAfterAnswer,
  routeAfterAside,
  routeAfterIntent,
  routeAfterTurn,
} from "./conversation-routes.ts";
import {
  routeAfterApply,
  routeAfterEditSize,
  routeAfterEditValidate,
  routeAfterUnderstand,
  routeDseEntry,
} from "./dse-routes.ts";
import {
  afterValidation,
  routeAfterPerceive,
  routeAfterQuestion,
  routeAfterValidate,
} from "./routes.ts";

const conv = (s: Partial<ConversationStateType>) => s as ConversationStateType;
const dse = (s: Partial<DseStateType>) => s as DseStateType;
const nsc = (s: Partial<NscStateType>) => s as NscStateType;
const session = (phase: Session["phase"], version: number | null = null): Session => ({
  phase,
  version,
  flow: null,
  resumes: null,
});
const plan = (p: Partial<EditPlan>): EditPlan => ({
  ops: [],
  choices: [],
  refusal: null,
  kind: "edit",
  confidence: 0.9,
  producer: "test",
  rules: [],
  ...p,
});
const error = (code: string, fixable: boolean, parts?: string[]): Finding =>
  ({ code, severity: "error", fixable, message: code, parts }) as Finding;
const config = (configurable: Record<string, unknown>) => ({ configurable });

describe("conversation routers", () => {
  it("routeAfterIntent follows the session the message moved it to", () => {
    expect(routeAfterIntent(conv({ session: session("understanding") }))).toBe("nsc");
    expect(routeAfterIntent(conv({ session: session("editing", 1) }))).toBe("dse");
    expect(routeAfterIntent(conv({ status: "rejected", session: session("new") }))).toBe(
      "refuseMessage",
    );
  });

  it("routeAfterIntent asks when the message is unclear and explains when it only asks", () => {
    const ready = session("ready", 2);
    const unclear = { intent: "unclear" } as ConversationStateType["intent"];
    const explain = { intent: "explain" } as ConversationStateType["intent"];
    expect(routeAfterIntent(conv({ session: ready, intent: unclear }))).toBe("askIntent");
    expect(routeAfterIntent(conv({ session: ready, intent: explain }))).toBe("explainSegment");
  });

  it("routeAfterTurn poses a question until the bound, commits a segment, else rejects", () => {
    const asking = { status: "needs_clarification", pendingQuestion: { key: "k" } } as const;
    expect(routeAfterTurn(conv({ ...asking, clarifications: 0 } as never))).toBe("poseQuestion");
    expect(
      routeAfterTurn(
        conv({ ...asking, clarifications: 2 } as never),
        config({ maxClarifications: 2 }),
      ),
    ).toBe("rejectTurn");
    expect(routeAfterTurn(conv({ status: "ok", segment: {} as never }))).toBe("commitVersion");
    expect(routeAfterTurn(conv({ status: "ok", segment: null }))).toBe("rejectTurn");
    expect(routeAfterTurn(conv({ status: "rejected" }))).toBe("rejectTurn");
  });

  it("routeAfterAnswer runs the flow the question came from", () => {
    expect(routeAfterAnswer(conv({ session: session("editing", 3) }))).toBe("dse");
    expect(routeAfterAnswer(conv({ session: session("understanding") }))).toBe("nsc");
  });

  it("routeAfterAside puts a waiting question again and otherwise ends the turn", () => {
    const question = { key: "k" } as ConversationStateType["pendingQuestion"];
    const waiting = session("needs_clarification", 1);
    expect(routeAfterAside(conv({ session: waiting, pendingQuestion: question }))).toBe(
      "awaitAnswer",
    );
    expect(routeAfterAside(conv({ session: waiting, pendingQuestion: null }))).toBe("__end__");
    expect(routeAfterAside(conv({ session: session("ready", 1), pendingQuestion: question }))).toBe(
      "__end__",
    );
  });
});

describe("DSE routers", () => {
  it("routeDseEntry skips understanding only for a plan already decided", () => {
    const restore = plan({ ops: [{ op: "restore", version: 1, reason: "revert" }] });
    expect(routeDseEntry(dse({ editPlan: restore }))).toBe("applyEdit");
    expect(routeDseEntry(dse({ editPlan: plan({ decided: true }) }))).toBe("applyEdit");
    expect(routeDseEntry(dse({ editPlan: null }))).toBe("understandEdit");
    expect(
      routeDseEntry(dse({ editPlan: plan({ choices: [{ label: "a", ops: [] }], decided: true }) })),
    ).toBe("understandEdit");
  });

  it("routeAfterUnderstand applies operations, asks between readings, rejects the rest", () => {
    const ops = [{ op: "remove", path: [0] }] as EditPlan["ops"];
    expect(routeAfterUnderstand(dse({ editPlan: plan({ ops }) }))).toBe("applyEdit");
    expect(routeAfterUnderstand(dse({ editPlan: plan({ choices: [{ label: "a", ops }] }) }))).toBe(
      "prepareEditQuestion",
    );
    expect(routeAfterUnderstand(dse({ editPlan: plan({}) }))).toBe("reject");
    expect(routeAfterUnderstand(dse({ editPlan: null }))).toBe("reject");
    expect(routeAfterUnderstand(dse({ status: "rejected", editPlan: plan({ ops }) }))).toBe(
      "reject",
    );
  });

  it("routeAfterApply validates a draft and rejects a failed application", () => {
    expect(routeAfterApply(dse({ draft: {} as never }))).toBe("validate");
    expect(routeAfterApply(dse({ draft: null }))).toBe("reject");
    expect(routeAfterApply(dse({ status: "rejected", draft: {} as never }))).toBe("reject");
  });

  it("routeAfterEditValidate improves what it can, asks about a contradiction, refuses others", () => {
    expect(routeAfterEditValidate(dse({ findings: [] }))).toBe("formatSegment");
    expect(routeAfterEditValidate(dse({ findings: [error("unknown_value", true)] }))).toBe(
      "improve",
    );
    expect(
      routeAfterEditValidate(dse({ findings: [error("contradiction", false, ["a", "b"])] })),
    ).toBe("prepareEditQuestion");
    expect(routeAfterEditValidate(dse({ findings: [error("restricted_facet", false)] }))).toBe(
      "reject",
    );
    const spent = dse({ findings: [error("unknown_value", true)], improveAttempts: 2 });
    expect(routeAfterEditValidate(spent, config({ maxImproveAttempts: 2 }))).toBe("reject");
  });

  it("routeAfterEditSize confirms an edit that empties a segment, once", () => {
    expect(routeAfterEditSize(dse({ size: 0, baseSize: 40 }))).toBe("prepareEditQuestion");
    expect(routeAfterEditSize(dse({ size: 0, baseSize: 40, confirmedEmpty: true }))).toBe(
      "diffSegment",
    );
    expect(routeAfterEditSize(dse({ size: 0, baseSize: 0 }))).toBe("diffSegment");
    expect(routeAfterEditSize(dse({ size: 12, baseSize: 40 }))).toBe("diffSegment");
  });
});

describe("NSC routers", () => {
  it("routeAfterPerceive ends a rejected request before parsing", () => {
    expect(routeAfterPerceive(nsc({ status: "rejected" }))).toBe("__end__");
    expect(routeAfterPerceive(nsc({ status: "running" } as never))).toBe("findRecipes");
  });

  it("afterValidation and routeAfterValidate: valid, fixable within the bound, else unresolved", () => {
    expect(afterValidation(nsc({ findings: [] }))).toBe("valid");
    expect(afterValidation(nsc({ status: "rejected", findings: [] }))).toBe("rejected");
    expect(afterValidation(nsc({ findings: [error("unknown_value", true)] }))).toBe("improve");
    expect(
      afterValidation(
        nsc({ findings: [error("unknown_value", true)], improveAttempts: 1 }),
        config({ maxImproveAttempts: 1 }),
      ),
    ).toBe("unresolved");
    expect(routeAfterValidate(nsc({ findings: [] }))).toBe("formatSegment");
    expect(routeAfterValidate(nsc({ findings: [error("restricted_facet", false)] }))).toBe(
      "reject",
    );
  });

  it("routeAfterQuestion reruns a rewritten request and ends on a new question", () => {
    expect(routeAfterQuestion(nsc({ status: "rephrased" } as never))).toBe("perceive");
    expect(routeAfterQuestion(nsc({ status: "needs_clarification" }))).toBe("__end__");
  });
});
