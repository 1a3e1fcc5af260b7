/**
 * Clarifying questions of a creation: the questions the mapper's ambiguities and the
 * validator's findings raise, the request each option rewrites to, and how an answer (an
 * option number, a label or free text) resolves to a request.
 */
import type { Clarification, NscStateType } from "../state/graph-state.ts";

/** What a client sends back: an option number (1-based), an option label, or free text. */
export type ClarificationAnswer = string | number | { option: number } | { text: string };

type Span = { start: number; end: number };

/** Removes spans from the request and tidies the connectives they leave dangling. */
export function removeSpans(text: string, spans: Span[]): string {
  let out = text;
  for (const s of [...spans].sort((a, b) => b.start - a.start))
    out = out.slice(0, s.start) + out.slice(s.end);
  return out
    .replace(/\s+/g, " ")
    .replace(/\b(who|whose|with|that)\s+(and|or|but)\b\s*/gi, "$1 ")
    .replace(/\b(and|or|but|with|who|whose)\s+(?=(and|or|but)\b)/gi, "")
    .replace(/\s+(and|or|but|with|who|whose)\s*$/i, "")
    .replace(/^\s*(and|or|but)\s+/i, "")
    .trim();
}

export function replaceSpan(text: string, span: Span, replacement: string): string {
  if (!replacement) return removeSpans(text, [span]);
  return (text.slice(0, span.start) + replacement + text.slice(span.end))
    .replace(/\s+/g, " ")
    .trim();
}

/** The next question to ask, or null when nothing is left to ask (or all was asked). */
/** The questions the state raises, most pressing first, asked before or not. */
export function questionsFor(state: NscStateType, maxImproveAttempts: number): Clarification[] {
  const text = state.text;
  const candidates: Clarification[] = [];
  for (const a of state.ambiguities ?? []) {
    candidates.push({
      key: a.key,
      question: a.question,
      span: a.span,
      options: a.options.map((o) => ({
        label: o.label,
        request: `${replaceSpan(text, a.span, o.replacement)}${o.append ? ` ${o.append}` : ""}`,
      })),
    });
  }
  const exhausted = (state.improveAttempts ?? 0) >= maxImproveAttempts;
  for (const f of state.findings ?? []) {
    if (f.severity !== "error" || f.code === "ambiguity" || f.code === "restricted_facet") continue;
    if (f.fixable && !exhausted) continue;
    const key = `${f.code}:${(f.span?.text ?? text).toLowerCase()}`;
    if (f.code === "contradiction" && f.parts) {
      const parts = f.parts;
      candidates.push({
        key,
        question: `${f.message} Which one did you mean?`,
        span: f.span,
        options: parts.map((p) => ({
          label: `Keep only "${p.text}"`,
          request: removeSpans(
            text,
            parts.filter((o) => o !== p),
          ),
        })),
      });
    } else if (f.code === "no_conditions") {
      candidates.push({
        key,
        question: `I could not find any condition in "${text}". Which customers do you want?`,
        options: [],
      });
    } else {
      candidates.push({
        key,
        question: `${f.message} What did you mean?`,
        span: f.span,
        options: f.span
          ? [{ label: `Drop "${f.span.text}"`, request: removeSpans(text, [f.span]) }]
          : [],
      });
    }
  }
  // Unmapped words first: "shoe size 42" is about "shoe size" before it is about "42".
  // Unmapped words first: "shoe size 42" is about "shoe size" before it is about "42".
  const rank = (c: Clarification) => (c.key.startsWith("unmapped:") ? 0 : 1);
  return [...candidates]
    .sort((a, b) => rank(a) - rank(b))
    .map((c) => ({ ...c, flow: "create" as const }));
}

/** The next question to ask, or null when nothing is left to ask (or all was asked). */
export function nextQuestion(
  state: NscStateType,
  maxImproveAttempts: number,
): Clarification | null {
  const asked = state.answers ?? {};
  return questionsFor(state, maxImproveAttempts).find((c) => asked[c.key] === undefined) ?? null;
}

function optionIndex(answer: ClarificationAnswer, q: Clarification): number | undefined {
  if (typeof answer === "number") return answer;
  if (typeof answer === "object" && "option" in answer) return answer.option;
  const raw = (typeof answer === "object" ? answer.text : answer).trim();
  if (/^\d+$/.test(raw) && q.options[Number(raw) - 1]) return Number(raw);
  const i = q.options.findIndex((o) => o.label.toLowerCase() === raw.toLowerCase());
  return i >= 0 ? i + 1 : undefined;
}

/** The free text of an answer that names no option. */
export function answerText(answer: ClarificationAnswer): string {
  if (typeof answer === "number") return String(answer);
  if (typeof answer === "object")
    return "text" in answer ? answer.text.trim() : String(answer.option);
  return answer.trim();
}

/** The request an answer stands for: the option it names, or free text in place of the span. */
export function resolveAnswer(answer: ClarificationAnswer, q: Clarification, text: string): string {
  const n = optionIndex(answer, q);
  const picked = n === undefined ? undefined : q.options[n - 1];
  if (picked) return picked.request;
  if (n !== undefined && typeof answer !== "string") return text;
  const raw = answerText(answer);
  // Free text replaces the span the question was about, or the whole request.
  return q.span ? replaceSpan(text, q.span, raw) : raw;
}

/** The label of the option an answer picked, or its free text (what is remembered of it). */
export function answerLabel(answer: ClarificationAnswer, q: Clarification): string {
  const n = optionIndex(answer, q);
  return (n !== undefined ? q.options[n - 1]?.label : undefined) ?? answerText(answer);
}
