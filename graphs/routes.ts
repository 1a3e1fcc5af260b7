/**
 * Pure routers of the NSC graph and the question picker they share with the clarify node.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { nscConfigFrom } from "../state/config.ts";
import type { Clarification, NscStateType } from "../state/graph-state.ts";

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
export function nextQuestion(
  state: NscStateType,
  maxImproveAttempts: number,
): Clarification | null {
  const asked = state.answers ?? {};
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
  const rank = (c: Clarification) => (c.key.startsWith("unmapped:") ? 0 : 1);
  return (
    [...candidates].sort((a, b) => rank(a) - rank(b)).find((c) => asked[c.key] === undefined) ??
    null
  );
}

export function routeAfterPerceive(state: NscStateType): "decompose" | "__end__" {
  return state.status === "rejected" ? "__end__" : "decompose";
}

export function routeAfterValidate(
  state: NscStateType,
  config?: LangGraphRunnableConfig,
): "improve" | "clarify" | "formatSegment" | "reject" {
  if (state.status === "rejected") return "reject";
  const { maxImproveAttempts } = nscConfigFrom(config?.configurable);
  const errors = (state.findings ?? []).filter((f) => f.severity === "error");
  if (errors.length === 0) return "formatSegment";
  if ((state.improveAttempts ?? 0) < maxImproveAttempts && errors.every((f) => f.fixable))
    return "improve";
  return nextQuestion(state, maxImproveAttempts) ? "clarify" : "reject";
}
