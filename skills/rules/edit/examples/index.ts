/** Every edit rule's examples, by rule name (the names in rules.ts). */
import type { EditExample } from "../example.ts";
import { ADD } from "./add.ts";
import { BARE } from "./bare.ts";
import { BARE_AMOUNT, BRING_BACK, SHIFT } from "./moves.ts";
import { EXCLUDE } from "./exclude.ts";
import { NARROW } from "./narrow.ts";
import { REMOVE } from "./remove.ts";
import { REPLACE } from "./replace.ts";
import { RETARGET } from "./retarget.ts";
import { REDO, REVERT, UNDO } from "./versions.ts";
import { WIDEN } from "./widen.ts";

export const EDIT_EXAMPLES: Record<string, EditExample[]> = {
  revert: REVERT,
  undo: UNDO,
  redo: REDO,
  "bring-back": BRING_BACK,
  shift: SHIFT,
  "bare-amount": BARE_AMOUNT,
  replace: REPLACE,
  remove: REMOVE,
  narrow: NARROW,
  exclude: EXCLUDE,
  widen: WIDEN,
  retarget: RETARGET,
  bare: BARE,
  add: ADD,
};
