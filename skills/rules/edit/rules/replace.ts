/**
 * Replace, naming old and new: "Germany instead of France", "change £1,000 to £2,000",
 * "swap France for Germany", "make it Q3 not Q4", "change the date from Q4 to Q3". Each side
 * is read on its own; the old side finds the target, the new side what goes there.
 */
import { cuesOf, type Cue } from "../cues.ts";
import {
  ask,
  describeLeaf,
  facetNamed,
  listConditions,
  plan,
  refuse,
  type EditFrame,
  type EditRule,
} from "../frame.ts";
import { ANAPHORA, EDIT_FILLERS } from "../lexicon.ts";
import { referencesIn, resolve, type Target } from "../targets.ts";
import { fits, newContent, replacementOp, side } from "./replacement.ts";
import { respellNumber } from "./respell.ts";
import { periodOfWindow } from "./retarget.ts";
import type { Span } from "../analyse.ts";

interface Sides {
  oldRange: Span;
  newRange: Span;
  rule: string;
}

/** The end of a replace verb and the pronouns after it ("make it", "change that to"). */
function afterVerb(f: EditFrame, verb: Cue): number {
  let end = verb.stop;
  for (const t of f.a.tokens.slice(verb.end)) {
    if (ANAPHORA.has(t.lower) || /^(the|them|it|one|ones)$/.test(t.lower)) end = t.end;
    else break;
  }
  return end;
}

function sidesOf(f: EditFrame): Sides | undefined {
  const verbs = cuesOf(f.a.cues, "replace");
  // "new instead of old": the new side runs from after a leading verb to the separator.
  // "not" separates only with a verb before it ("make it Q3 not Q4") or between two short
  // sides ("3 months, not 6"); otherwise it negates.
  const short = (a: number, b: number) =>
    f.a.tokens.filter((t) => t.start >= a && t.end <= b && t.kind !== "symbol").length <= 3;
  const sep = cuesOf(f.a.cues, "new_before_old").find(
    (c) =>
      c.text !== "not" ||
      verbs.some((v) => v.stop <= c.start) ||
      (!cuesOf(f.a.cues, "only").length && short(0, c.start) && short(c.stop, f.text.length)),
  );
  if (sep) {
    const verb = [...verbs].reverse().find((v) => v.stop <= sep.start);
    const start = verb ? afterVerb(f, verb) : 0;
    return {
      newRange: { start, end: sep.start },
      oldRange: { start: sep.stop, end: f.text.length },
      rule: "replace:instead",
    };
  }
  // "AOV threshold → £250": an arrow needs no verb.
  const arrow = cuesOf(f.a.cues, "old_before_new").find((c) => c.text === "\u2192");
  if (arrow && !verbs.some((v) => v.stop <= arrow.start)) {
    const lead = f.a.tokens.find((t) => t.kind === "word" && !EDIT_FILLERS.has(t.lower));
    return {
      oldRange: { start: lead && lead.start < arrow.start ? lead.start : 0, end: arrow.start },
      newRange: { start: arrow.stop, end: f.text.length },
      rule: "replace:to",
    };
  }
  // "change old to new": a verb, then a separator, with the old side between.
  for (const verb of verbs) {
    const to = cuesOf(f.a.cues, "old_before_new").find((c) => c.start >= verb.stop);
    if (!to) continue;
    let start = verb.stop;
    const from = f.a.tokens.find(
      (t) => t.start >= verb.stop && t.end <= to.start && t.lower === "from",
    );
    if (from) start = from.end;
    return {
      oldRange: { start, end: to.start },
      newRange: { start: to.stop, end: f.text.length },
      rule: "replace:to",
    };
  }
  return undefined;
}

/** Whether a side names something: not only pronouns, fillers and particles ("that down"). */
function meaningful(f: EditFrame, range: Span): boolean {
  return f.a.tokens.some(
    (t) =>
      t.start >= range.start &&
      t.end <= range.end &&
      !EDIT_FILLERS.has(t.lower) &&
      !ANAPHORA.has(t.lower) &&
      !/^(up|down|back)$/.test(t.lower),
  );
}

export const replace: EditRule = {
  name: "replace",
  applies: (f) => sidesOf(f) !== undefined,
  apply: async (f) => {
    const sides = sidesOf(f)!;
    if (!meaningful(f, sides.oldRange) || !meaningful(f, sides.newRange)) return null;
    const [oldSide, newSide] = await Promise.all([
      side(f, sides.oldRange),
      side(f, sides.newRange),
    ]);
    const refs = referencesIn(oldSide.a, sides.oldRange, facetNamed(f));
    if (refs.length === 0) return null;
    let content = newContent(newSide.frame, sides.newRange);
    // "spring rather than summer": a season or month said alone is a window in the year of the
    // one the segment has, not a product whose name holds the word.
    const productOnly =
      content?.kind === "values" && content.values.every((v) => v.facetId === "product_word");
    if (!content || content.kind === "clause" || productOnly)
      content = (await periodOfWindow(f, sides.newRange)) ?? content;
    if (!content) return null;
    let targets: Target[] = refs.flatMap((r) => resolve(r, f.leaves));
    // "3 months, not 6": the old number is in a condition's own words, not in a typed slot.
    const oldNumber = oldSide.a.quantities[0];
    const newNumber = newSide.a.quantities[0];
    if (targets.length === 0 && oldNumber && newNumber) {
      const unit = newNumber.unit[0] ?? oldNumber.unit[0];
      const spelled = await respellNumber(f, newNumber.value, unit, oldNumber.value);
      if (spelled.length === 1) return plan(sides.rule, "edit", [spelled[0]!.op]);
    }
    if (targets.length === 0) {
      return refuse(
        sides.rule,
        "edit_no_target",
        `This segment has no condition matching "${f.text.slice(sides.oldRange.start, sides.oldRange.end).trim()}". Its conditions are: ${listConditions(f)}.`,
      );
    }
    targets = targets.filter((t) => fits(t, content, f));
    // One target per condition: the most specific part named.
    const byLeaf = new Map<number, Target>();
    for (const t of targets)
      if (!byLeaf.has(t.leaf.index) || t.part !== "whole") byLeaf.set(t.leaf.index, t);
    const distinct = [...byLeaf.values()];
    if (distinct.length === 0)
      return refuse(
        sides.rule,
        "edit_mismatch",
        `"${f.text.slice(sides.newRange.start, sides.newRange.end).trim()}" cannot replace "${f.text.slice(sides.oldRange.start, sides.oldRange.end).trim()}": they are different kinds of condition. Its conditions are: ${listConditions(f)}.`,
      );
    const ops = await Promise.all(distinct.map((t) => replacementOp(f, t, content)));
    if (distinct.length > 1) {
      const choices = distinct.flatMap((t, i) =>
        ops[i] ? [{ label: `Change "${describeLeaf(f, t.leaf)}"`, ops: [ops[i]!] }] : [],
      );
      if (choices.length > 1) return ask(sides.rule, choices);
    }
    const op = ops.find((o) => o !== null);
    if (!op) return null;
    return plan(sides.rule, "edit", [op]);
  },
};
