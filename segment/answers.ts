/**
 * Which option a free answer picks: its number, its label, an ordinal ("the second one"), a
 * yes/no for a confirmation, or the option whose words (label and the user's own words of the
 * condition it is about) it shares most with — when exactly one shares the most.
 */
import type { Clarification } from "../state/graph-state.ts";
import type { ClarificationAnswer } from "./questions.ts";
import { answerText } from "./questions.ts";

const ORDINAL: Record<string, number> = {
  first: 1,
  "1st": 1,
  one: 1,
  second: 2,
  "2nd": 2,
  two: 2,
  third: 3,
  "3rd": 3,
  three: 3,
  fourth: 4,
  "4th": 4,
  four: 4,
};

/** Answer words folded onto the words option labels use. */
const FOLD: Record<string, string> = {
  edit: "change",
  edits: "change",
  modify: "change",
  update: "change",
  refine: "change",
  tweak: "change",
  adjust: "change",
  amend: "change",
  alter: "change",
  existing: "current",
  same: "current",
  this: "current",
  old: "current",
  previous: "keep",
  fresh: "new",
  another: "new",
  different: "new",
  separate: "new",
  scratch: "new",
  afresh: "new",
  over: "new",
  begin: "start",
  restart: "start",
  drop: "remove",
  delete: "remove",
  lose: "remove",
  ditch: "remove",
  forget: "remove",
  retain: "keep",
  leave: "keep",
  stay: "keep",
  yes: "apply",
  yeah: "apply",
  yep: "apply",
  sure: "apply",
  anyway: "apply",
  ahead: "apply",
  proceed: "apply",
  confirm: "apply",
  no: "keep",
  nope: "keep",
  cancel: "keep",
  dont: "keep",
  "don't": "keep",
};

/** Words that, beside an ordinal, leave an answer a pure position ("the second option"). */
const POSITION_WORDS = new Set([
  "option",
  "choice",
  "number",
  "no",
  "last",
  "latter",
  "former",
  "pick",
  "take",
  "go",
  "one",
]);

const STOP = new Set([
  "the",
  "a",
  "an",
  "it",
  "its",
  "that",
  "segment",
  "please",
  "pls",
  "i",
  "want",
  "to",
  "of",
  "and",
  "with",
  "is",
  "be",
  "do",
  "go",
  "for",
  "on",
  "in",
  "me",
  "let's",
  "lets",
  "ok",
  "okay",
  "just",
  "thing",
  "bit",
  "part",
  "condition",
  "filter",
  "version",
  "customers",
]);

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[“”"']/g, " ")
    .split(/[^\p{L}\d'£]+/u)
    .filter((w) => w && !STOP.has(w))
    .map((w) => FOLD[w] ?? w.replace(/s$/, ""));
}

/**
 * The `pick` of the option the answer names (its index when options carry none), or undefined
 * when it names none clearly. `yesNo` maps a bare yes / no onto option indexes.
 */
export function pickOption(
  answer: ClarificationAnswer,
  q: Clarification,
  yesNo?: { yes: number; no: number },
): number | undefined {
  const pickOf = (i: number) => q.options[i]?.pick ?? i;
  if (typeof answer === "number") return q.options[answer - 1] ? pickOf(answer - 1) : undefined;
  if (typeof answer === "object" && "option" in answer)
    return q.options[answer.option - 1] ? pickOf(answer.option - 1) : undefined;
  const raw = answerText(answer);
  if (/^\d+$/.test(raw)) return q.options[Number(raw) - 1] ? pickOf(Number(raw) - 1) : undefined;
  const exact = q.options.findIndex((o) => o.label.toLowerCase() === raw.toLowerCase());
  if (exact >= 0) return pickOf(exact);
  const said = words(raw);
  if (yesNo && said.length <= 5) {
    if (said.includes("apply") && !said.includes("keep")) return pickOf(yesNo.yes);
    if (said.includes("keep") && !said.includes("apply")) return pickOf(yesNo.no);
  }
  // "the second one", "option 2", "the last": nothing but a position.
  const positional = said.every((w) => ORDINAL[w] !== undefined || POSITION_WORDS.has(w));
  const ordinal =
    said.map((w) => ORDINAL[w]).find((n) => n !== undefined && n !== 1) ??
    said.map((w) => ORDINAL[w]).find((n) => n !== undefined);
  if (positional && ordinal !== undefined && q.options[ordinal - 1]) return pickOf(ordinal - 1);
  if (positional && said.some((w) => w === "last" || w === "latter"))
    return pickOf(q.options.length - 1);
  const scores = q.options.map((o) => {
    const own = new Set(words(`${o.label} ${o.match ?? ""}`));
    return said.filter((w) => own.has(w)).length;
  });
  const best = Math.max(...scores);
  if (best === 0 || scores.filter((s) => s === best).length > 1) return undefined;
  return pickOf(scores.indexOf(best));
}
