import { describe, expect, it } from "vitest";
import {
  INITIAL_SESSION,
  InvalidTransitionError,
  Phase,
  RUNNING_PHASES,
  Session,
  SessionEvent,
  STABLE_PHASES,
  TRANSITIONS,
  canApply,
  resumed,
  settle,
  transition,
  type Flow,
} from "./session.ts";

const s = (
  phase: Session["phase"],
  version: number | null,
  flow: Flow | null = null,
  resumes: Session["phase"] | null = null,
): Session => ({ phase, version, flow, resumes });

/**
 * The expected outcome of every event in every representative state, written out by hand (not
 * derived from TRANSITIONS): the phase it leads to, or null when it must be refused.
 */
const SPEC: { name: string; from: Session; expect: Partial<Record<SessionEvent, string>> }[] = [
  {
    name: "new",
    from: INITIAL_SESSION,
    expect: { create: "understanding", reject: "rejected", load: "ready" },
  },
  {
    name: "understanding (first segment)",
    from: s("understanding", null, "create", "new"),
    expect: {
      ask: "needs_clarification",
      succeed: "ready",
      reject: "rejected",
      abort: "aborted",
      fail: "failed",
    },
  },
  {
    name: "understanding (a thread that already holds v2)",
    from: s("understanding", 2, "create", "ready"),
    expect: {
      ask: "needs_clarification",
      succeed: "ready",
      reject: "ready",
      abort: "aborted",
      fail: "failed",
    },
  },
  {
    name: "needs_clarification for a creation",
    from: s("needs_clarification", null, "create"),
    expect: {
      ask: "needs_clarification",
      answer: "understanding",
      create: "understanding",
      reject: "needs_clarification",
    },
  },
  {
    name: "needs_clarification for an edit",
    from: s("needs_clarification", 3, "edit"),
    expect: {
      ask: "needs_clarification",
      answer: "editing",
      create: "understanding",
      edit: "editing",
      reject: "needs_clarification",
      explain: "needs_clarification",
    },
  },
  {
    name: "needs_clarification: edit this segment or start another?",
    from: s("needs_clarification", 1, "intent"),
    expect: {
      ask: "needs_clarification",
      create: "understanding",
      edit: "editing",
      reject: "needs_clarification",
      explain: "needs_clarification",
    },
  },
  {
    name: "ready",
    from: s("ready", 1),
    expect: {
      create: "understanding",
      edit: "editing",
      explain: "ready",
      ask: "needs_clarification",
      reject: "ready",
    },
  },
  {
    name: "editing",
    from: s("editing", 4, "edit", "ready"),
    expect: {
      ask: "needs_clarification",
      succeed: "ready",
      reject: "ready",
      abort: "aborted",
      fail: "failed",
    },
  },
  {
    name: "rejected",
    from: s("rejected", null),
    expect: { create: "understanding", reject: "rejected" },
  },
  {
    name: "aborted creation of a first segment",
    from: s("aborted", null, "create", "new"),
    expect: { create: "understanding", reject: "rejected" },
  },
  {
    name: "aborted edit",
    from: s("aborted", 2, "edit", "ready"),
    expect: { create: "understanding", edit: "editing", explain: "ready", reject: "ready" },
  },
  {
    name: "aborted after answering a creation question",
    from: s("aborted", null, "create", "needs_clarification"),
    expect: { create: "understanding", answer: "understanding" },
  },
  {
    name: "failed after answering an edit question",
    from: s("failed", 2, "edit", "needs_clarification"),
    expect: { create: "understanding", edit: "editing", explain: "ready", answer: "editing" },
  },
  {
    name: "failed after answering a creation question",
    from: s("failed", null, "create", "needs_clarification"),
    expect: { create: "understanding", answer: "understanding" },
  },
  {
    name: "aborted after answering an edit question",
    from: s("aborted", 1, "edit", "needs_clarification"),
    expect: { create: "understanding", edit: "editing", explain: "ready", answer: "editing" },
  },
  {
    name: "failed edit",
    from: s("failed", 1, "edit", "ready"),
    expect: { create: "understanding", edit: "editing", explain: "ready", reject: "ready" },
  },
  {
    name: "failed creation",
    from: s("failed", null, "create", "new"),
    expect: { create: "understanding", reject: "rejected" },
  },
];

describe("session state machine", () => {
  for (const row of SPEC) {
    for (const event of SessionEvent.options) {
      const to = row.expect[event];
      if (to) {
        it(`${row.name}: ${event} → ${to}`, () => {
          const next = transition(
            row.from,
            event,
            event === "succeed" || event === "load" ? 7 : undefined,
          );
          expect(next.phase).toBe(to);
          expect(Session.safeParse(next).success).toBe(true);
        });
      } else {
        it(`${row.name}: ${event} is refused`, () => {
          expect(canApply(row.from, event)).toBe(false);
          expect(() => transition(row.from, event, 7)).toThrow(InvalidTransitionError);
        });
      }
    }
  }

  it("has no row the hand-written spec does not list", () => {
    // Every table row is exercised by some representative state of the spec above.
    for (const t of TRANSITIONS) {
      const covered = SPEC.some(
        (row) =>
          row.from.phase === t.from && row.expect[t.event] === t.to && canApply(row.from, t.event),
      );
      expect(covered, `${t.from} --${t.event}--> ${t.to}`).toBe(true);
    }
  });

  it("cannot edit a thread that never had a verified segment, whatever else it did", () => {
    for (const phase of Phase.options) {
      for (const flow of [null, "create", "edit", "intent"] as const) {
        const candidate = { phase, version: null, flow, resumes: null };
        if (!Session.safeParse(candidate).success) continue;
        expect(canApply(candidate, "edit"), phase).toBe(false);
      }
    }
  });

  it("a success records the new version and clears the flow", () => {
    const editing = transition(s("ready", 3), "edit");
    expect(editing).toEqual({ phase: "editing", version: 3, flow: "edit", resumes: "ready" });
    expect(transition(editing, "succeed", 4)).toEqual({
      phase: "ready",
      version: 4,
      flow: null,
      resumes: null,
    });
  });

  it("succeed without a version number is a bug, not a transition", () => {
    expect(() => transition(s("editing", 3, "edit"), "succeed")).toThrow(/version/);
    expect(() => transition(INITIAL_SESSION, "load")).toThrow(/version/);
  });

  it("a question keeps the flow of the run that asked it", () => {
    const asked = transition(transition(s("ready", 2), "edit"), "ask");
    expect(asked).toMatchObject({ phase: "needs_clarification", flow: "edit", version: 2 });
    expect(transition(asked, "answer")).toMatchObject({ phase: "editing", flow: "edit" });
  });

  it("a cut-short run remembers the stable state it started from", () => {
    const answering = transition(s("needs_clarification", null, "create"), "answer");
    expect(answering.resumes).toBe("needs_clarification");
    const aborted = transition(answering, "abort");
    expect(aborted).toMatchObject({ phase: "aborted", resumes: "needs_clarification" });
    expect(resumed(aborted)).toMatchObject({ phase: "needs_clarification", flow: "create" });
    const editAborted = transition(transition(s("ready", 5), "edit"), "fail");
    expect(resumed(editAborted)).toEqual(s("ready", 5));
    const firstAborted = transition(transition(INITIAL_SESSION, "create"), "abort");
    expect(resumed(firstAborted)).toEqual(INITIAL_SESSION);
  });

  it("settle reports a running phase nobody runs as aborted, and leaves the rest", () => {
    const running = s("editing", 2, "edit", "ready");
    expect(settle(running, true)).toBe(running);
    expect(settle(running, false).phase).toBe("aborted");
    for (const phase of STABLE_PHASES) {
      const stable = { ...s(phase, phase === "new" || phase === "rejected" ? null : 1) };
      expect(settle(stable, false)).toBe(stable);
    }
  });

  it("the schema refuses impossible sessions", () => {
    expect(Session.safeParse(s("ready", null)).success).toBe(false);
    expect(Session.safeParse(s("editing", null)).success).toBe(false);
    expect(Session.safeParse(s("new", 1)).success).toBe(false);
    expect(RUNNING_PHASES.has("understanding")).toBe(true);
  });
});
