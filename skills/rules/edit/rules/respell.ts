/**
 * Re-reading a condition in the user's own words with one thing changed: "in the last 7 days"
 * with 30 for 7 is "in the last 30 days", mapped again. For changes the typed operations have
 * no slot for (a recency's "6 months ago", a window's length), the user's words are the slot.
 */
import type { EditOp } from "../../../../state/edit.ts";
import { mapFragment } from "../analyse.ts";
import { conditionsOf } from "../../../../state/segment.ts";
import type { EditFrame } from "../frame.ts";
import type { Leaf } from "../targets.ts";

const UNIT = /(day|week|month|year|quarter)s?/;

/** The words of a leaf's provenance with `from` replaced by `to`, mapped to one condition. */
export async function respell(
  f: EditFrame,
  leaf: Leaf,
  from: RegExp,
  to: string,
): Promise<EditOp | null> {
  const span = leaf.condition.provenance.span;
  if (!from.test(span)) return null;
  const words = span.replace(from, to);
  if (words === span) return null;
  const mapped = await mapFragment(words, { start: 0, end: words.length }, f.next, f.ctx, f.skills);
  if (!mapped.root || mapped.ambiguities.length) return null;
  const leaves = conditionsOf(mapped.root);
  if (leaves.length !== 1 || leaves[0]!.type !== leaf.condition.type) return null;
  const node = {
    ...leaves[0]!,
    provenance: { ...leaves[0]!.provenance, span: words, version: f.next },
  };
  return { op: "replace", path: leaf.path, node };
}

/**
 * A new number for the one condition whose words hold a number of the same kind: "3 months"
 * into "more than 6 months ago", "30 days" into "in the last 7 days".
 */
export async function respellNumber(
  f: EditFrame,
  value: number,
  unit: string | undefined,
  old?: number,
): Promise<{ leaf: Leaf; op: EditOp }[]> {
  const family = unit && UNIT.exec(unit)?.[1];
  const out: { leaf: Leaf; op: EditOp }[] = [];
  for (const leaf of f.leaves) {
    const span = leaf.condition.provenance.span;
    const num = old !== undefined ? String(old) : "\\d+";
    const withUnit = new RegExp(`\\b${num}(\\s*)${family ? `${family}s?` : UNIT.source}\\b`, "i");
    const m = withUnit.exec(span);
    if (!m) continue;
    const unitWord = m[0].replace(/^\d+\s*/, "");
    const op = await respell(f, leaf, withUnit, `${value}${m[1]}${unitWord}`);
    if (op) out.push({ leaf, op });
  }
  return out;
}
