import type { EditExample } from "../example.ts";

const history = { versions: [1, 2, 3], undo: [1, 2], redo: [] };

export const UNDO: EditExample[] = [
  { base: "customers in France", edit: "undo that", version: 3, history, restores: 2 },
  { base: "customers in France", edit: "scratch that", version: 3, history, restores: 2 },
  { base: "customers in France", edit: "ctrl-z please", version: 3, history, restores: 2 },
  {
    base: "customers in France",
    edit: "undo",
    version: 1,
    history: { versions: [1], undo: [], redo: [] },
    refuses: "nothing_to_undo",
  },
];

export const REDO: EditExample[] = [
  {
    base: "customers in France",
    edit: "redo",
    version: 4,
    history: { versions: [1, 2, 3, 4], undo: [1], redo: [3] },
    restores: 3,
  },
  {
    base: "customers in France",
    edit: "redo that",
    version: 3,
    history,
    refuses: "nothing_to_redo",
  },
];

export const REVERT: EditExample[] = [
  { base: "customers in France", edit: "go back to version 1", version: 3, history, restores: 1 },
  { base: "customers in France", edit: "restore v2", version: 3, history, restores: 2 },
  {
    base: "customers in France",
    edit: "the original one please",
    version: 3,
    history,
    restores: 1,
  },
  {
    base: "customers in France",
    edit: "back to version 7",
    version: 3,
    history,
    refuses: "no_such_version",
  },
];
