/**
 * Retarget, naming only the new: "make it Germany", "last 6 months instead", "make that 5
 * orders", "what about £2k?". The kind of the new content says which condition it replaces; a
 * new attribute with nothing to replace is added.
 */
import type { EditOp } from "../../../../state/edit.ts";
import { cuesOf } from "../cues.ts";
import {
  ask,
  conditionForValues,
  describeLeaf,
  facetKind,
  leavesWithFacet,
  plan,
  refuse,
  type EditFrame,
  type EditRule,
} from "../frame.ts";
import { ANAPHORA, PART_NOUNS } from "../lexicon.ts";
import { measureFacet, type Target } from "../targets.ts";
import { fits, measuresFor, newContent, replacementOp, type NewContent } from "./replacement.ts";
import { analyse, type Span } from "../analyse.ts";
import { respellNumber } from "./respell.ts";

function insteadToken(f: EditFrame) {
  return f.a.tokens.find((t) => t.lower === "instead");
}

function contentRange(f: EditFrame): Span {
  const verb = cuesOf(f.a.cues, "replace")[0];
  let start = 0;
  if (verb) {
    start = verb.stop;
    for (const t of f.a.tokens.filter((x) => x.start >= verb.stop)) {
      const skip =
        ANAPHORA.has(t.lower) ||
        PART_NOUNS.has(t.lower) ||
        /^(the|to|be|of|up|down)$/.test(t.lower);
      if (skip) start = t.end;
      else break;
    }
  }
  const instead = insteadToken(f);
  const end = instead && instead.start >= start ? instead.start : f.text.length;
  return { start, end };
}

const PERIOD =
  /\b(half|halves|h[12]|q[1-4]|quarter|jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t|tember)?|oct(ober)?|nov(ember)?|dec(ember)?|spring|summer|autumn|fall|winter|christmas|easter|week|month)\b/i;

/**
 * "just the first half of it", "make it Q3": a period named without a year, read in the year of
 * the one dated condition (when its window lies within one calendar year).
 */
export async function periodOfWindow(f: EditFrame, range: Span): Promise<NewContent | null> {
  const dated = f.leaves.filter(
    (l) => l.condition.type !== "attribute" && l.condition.window?.from && l.condition.window.to,
  );
  if (dated.length !== 1) return null;
  const w = dated[0]!.condition.type !== "attribute" ? dated[0]!.condition.window! : undefined;
  const year = Number(w!.from!.slice(0, 4));
  if (w!.to! > `${year + 1}-01-01`) return null;
  const words = f.text
    .slice(range.start, range.end)
    .replace(/\b(of|in)\s+(it|that|this|the year|them)\b/gi, "")
    .trim();
  // Only words that name a part of a year: halves, quarters, months, seasons, weeks.
  if (!PERIOD.test(words)) return null;
  const synthetic = `${words} ${year}`;
  const a = await analyse(synthetic, f.ctx, f.skills);
  const d = a.dates.find((x) => (x.from || x.to) && x.end > words.length);
  if (!d) return null;
  return {
    kind: "date",
    date: { ...d, text: f.text.slice(range.start, range.end).trim() },
    span: range,
  };
}

/** The conditions new content of this kind would replace. */
function candidates(f: EditFrame, content: NewContent): Target[] {
  const all = f.leaves.map((leaf) => ({
    leaf,
    part: "whole" as const,
    reference: { kind: "words" as const, words: [], start: 0, end: 0 },
  }));
  if (content.kind === "values") {
    const facet = content.values.find((v) => !v.negated)?.facetId ?? content.values[0]!.facetId;
    const same = leavesWithFacet(f, facet).filter((x) => !x.leaf.negated);
    if (same.length)
      return same.map(({ leaf, item }) => ({
        ...all.find((a) => a.leaf === leaf)!,
        ...(item !== undefined ? { value: { facetId: facet, value: "", item } } : {}),
      }));
    if (facetKind(f, facet) === "item")
      return all.filter(
        (t) => t.leaf.condition.type === "behaviour" && !t.leaf.negated && t.leaf.condition.item,
      );
    return [];
  }
  if (content.kind === "quantity") {
    const measures = measuresFor(f, content.quantity);
    return all.filter((t) => {
      const c = t.leaf.condition;
      return (
        c.type === "behaviour" &&
        c.comparison &&
        (!measures || measures.includes(measureFacet(c) ?? ""))
      );
    });
  }
  if (content.kind === "date") {
    const dated = all.filter(
      (t) => t.leaf.condition.type !== "attribute" && t.leaf.condition.window,
    );
    if (dated.length) return dated.map((t) => ({ ...t, part: "window" as const }));
    return all.filter((t) => t.leaf.condition.type === "behaviour" && !t.leaf.negated);
  }
  return [];
}

export const retarget: EditRule = {
  name: "retarget",
  applies: (f) => cuesOf(f.a.cues, "replace").length > 0 || insteadToken(f) !== undefined,
  apply: (f) => retargetWith(f, contentRange(f), "retarget"),
};

/** New content in `range` put in the place of the condition of its kind. */
export async function retargetWith(f: EditFrame, range: Span, rule: string) {
  const given = newContent(f, range);
  const content = given && given.kind !== "clause" ? given : await periodOfWindow(f, range);
  if (!content || content.kind === "clause") return null;
  const found = candidates(f, content).filter((t) => fits(t, content, f));
  if (found.length === 0) {
    if (content.kind === "values") {
      const positive = content.values.filter((v) => !v.negated);
      const facet = positive[0]?.facetId;
      if (facet && facetKind(f, facet) === "attribute")
        return plan(
          `${rule}:add`,
          "edit",
          [{ op: "add", node: conditionForValues(f, facet, positive) }],
          0.7,
        );
      return null;
    }
    // "make it 30 days" of "in the last 7 days": the number in the condition's own words.
    if (content.kind === "quantity") {
      const spelled = await respellNumber(f, content.quantity.value, content.quantity.unit[0]);
      if (spelled.length === 1) return plan(rule, "edit", [spelled[0]!.op]);
      if (spelled.length > 1)
        return ask(
          rule,
          spelled.map((s) => ({ label: `Change "${describeLeaf(f, s.leaf)}"`, ops: [s.op] })),
        );
    }
    const what = content.kind === "quantity" ? "threshold" : "date";
    return refuse(
      rule,
      "edit_no_target",
      `This segment has no ${what} to change to "${f.text.slice(range.start, range.end).trim()}". Say what to add, e.g. "and who ordered ${f.text.slice(range.start, range.end).trim()}".`,
    );
  }
  const ops = await Promise.all(found.map((t) => replacementOp(f, t, content)));
  const usable = found.flatMap((t, i) => (ops[i] ? [{ t, op: ops[i]! as EditOp }] : []));
  if (usable.length === 0) return null;
  if (usable.length > 1)
    return ask(
      rule,
      usable.map((u) => ({ label: `Change "${describeLeaf(f, u.t.leaf)}"`, ops: [u.op] })),
    );
  return plan(rule, "edit", [usable[0]!.op]);
}
