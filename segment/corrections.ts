/**
 * Corrections: what a change to a just-created segment says its words should have meant.
 * A changed condition is its words (its provenance span) → the condition after the change; a
 * removed one is its words → nothing. Added conditions quote no words of the request, so they
 * teach nothing about them — except when the change removed exactly one condition and added
 * exactly one ("bought bunting" → "make it party & celebrations instead" replaces a product
 * word by a category: another kind of condition, so no slot pairs them): the added one is
 * what the removed one's words should have meant.
 */
import type { SegmentDiff } from "../state/edit.ts";
import type { Correction } from "../state/memory.ts";

const item = (i: { description: string; span: string }) => ({
  description: i.description,
  span: i.span,
});

export function correctionsFromDiff(diff: SegmentDiff): Correction[] {
  const changed = diff.changed.map((c) => ({
    phrase: c.before.span,
    was: item(c.before),
    meant: item(c.after),
  }));
  const [removed, added] = [diff.removed[0], diff.added[0]];
  const replaced =
    diff.removed.length === 1 && diff.added.length === 1 && removed && added
      ? [{ phrase: removed.span, was: item(removed), meant: item(added) }]
      : diff.removed.map((r) => ({ phrase: r.span, was: item(r), meant: null }));
  return [...changed, ...replaced].filter((c) => c.phrase.trim().length > 0);
}
