/** Pieces of behavioural conditions that several rules build the same way. */
import type { DateWindow, ItemFilter } from "../../../state/segment.ts";
import type { Mention } from "../../types.ts";
import type { ClauseFrame } from "./types.ts";

/** A group's first facet is the item; its other facets filter the same line. */
export function itemFilter(group: Mention[]): { item: ItemFilter; andItems?: ItemFilter[] } {
  const facets = [...new Set(group.map((m) => m.facetId))];
  const [item, ...andItems] = facets.map((facet) => ({
    facet,
    values: [...new Set(group.filter((m) => m.facetId === facet).map((m) => m.value!))],
  }));
  return { item: item!, ...(andItems.length ? { andItems } : {}) };
}

/** The window of a group's condition: its own date, else the clause's. */
export function windowFor(f: ClauseFrame, group: Mention[] | undefined): { window?: DateWindow } {
  const w = (group && f.itemWindows?.get(group[0]!)) ?? f.effectiveWindow;
  return w ? { window: w } : {};
}
