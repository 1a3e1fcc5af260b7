/**
 * Corrections: what a change to a just-created segment says its words should have meant.
 * A changed condition is its words (its provenance span) → the condition after the change; a
 * removed one is its words → nothing. Added conditions quote no words of the request, so they
 * teach nothing about them.
 */
import type { SegmentDiff } from "../state/edit.ts";
import type { Correction } from "../state/memory.ts";

export function correctionsFromDiff(diff: SegmentDiff): Correction[] {
  const item = (i: { description: string; span: string }) => ({
    description: i.description,
    span: i.span,
  });
  return [
    ...diff.changed.map((c) => ({
      phrase: c.before.span,
      was: item(c.before),
      meant: item(c.after),
    })),
    ...diff.removed.map((r) => ({ phrase: r.span, was: item(r), meant: null })),
  ].filter((c) => c.phrase.trim().length > 0);
}
