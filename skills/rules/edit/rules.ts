/**
 * The edit rules in the order they are tried: version moves first (they need no content),
 * then edits that name their target (replace, remove), then the cue rules that merge new
 * content, then bare values. The first rule that applies and returns a plan decides.
 */
import type { EditRule } from "./frame.ts";
import { add } from "./rules/add.ts";
import { bareAmount } from "./rules/bare-amount.ts";
import { bare } from "./rules/bare.ts";
import { bringBack } from "./rules/bring-back.ts";
import { exclude } from "./rules/exclude.ts";
import { narrow } from "./rules/narrow.ts";
import { redo } from "./rules/redo.ts";
import { remove } from "./rules/remove.ts";
import { replace } from "./rules/replace.ts";
import { retarget } from "./rules/retarget.ts";
import { revert } from "./rules/revert.ts";
import { shift } from "./rules/shift.ts";
import { undo } from "./rules/undo.ts";
import { widen } from "./rules/widen.ts";

export const EDIT_RULES: readonly EditRule[] = [
  revert,
  undo,
  redo,
  bringBack,
  shift,
  replace,
  remove,
  narrow,
  exclude,
  widen,
  retarget,
  bareAmount,
  bare,
  add,
];
