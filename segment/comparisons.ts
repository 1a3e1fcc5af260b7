/** Comparison algebra: whether two thresholds on one measure can both hold. */
import type { Comparison } from "../state/segment.ts";

interface Interval {
  lo: number;
  loIn: boolean;
  hi: number;
  hiIn: boolean;
}

function interval(c: Comparison): Interval {
  switch (c.op) {
    case "gt":
      return { lo: c.value, loIn: false, hi: Infinity, hiIn: false };
    case "gte":
      return { lo: c.value, loIn: true, hi: Infinity, hiIn: false };
    case "lt":
      return { lo: -Infinity, loIn: false, hi: c.value, hiIn: false };
    case "lte":
      return { lo: -Infinity, loIn: false, hi: c.value, hiIn: true };
    case "eq":
      return { lo: c.value, loIn: true, hi: c.value, hiIn: true };
    case "between":
      return { lo: c.value, loIn: true, hi: c.value2 ?? c.value, hiIn: true };
  }
}

/** True when some value satisfies both comparisons ("> 500" and "< 100" cannot). */
export function intersects(a: Comparison, b: Comparison): boolean {
  const x = interval(a);
  const y = interval(b);
  const lo = Math.max(x.lo, y.lo);
  const hi = Math.min(x.hi, y.hi);
  if (lo < hi) return true;
  if (lo > hi) return false;
  const loIn = (x.lo === lo ? x.loIn : true) && (y.lo === lo ? y.loIn : true);
  const hiIn = (x.hi === hi ? x.hiIn : true) && (y.hi === hi ? y.hiIn : true);
  return loIn && hiIn;
}
