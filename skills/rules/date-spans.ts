/**
 * One date tagging per sub-segment text, shared by the date step and the shortlister.
 *
 * The two run in parallel (graphs/nsc.ts), so the shortlister cannot wait for the date step's
 * result; both call `tagDatesShared` with the same text and context instead, and whichever
 * runs second gets the first one's tags from the cache. The shortlister uses the spans to skip
 * fuzzy catalog searches of words that are dates ("November", "Q3"): the mapper lets a date
 * win over any mention it overlaps unless the mention is longer, so a hit found inside a date
 * would be dropped anyway — and it costs a scan of the whole catalog.
 */
import { LRUCache } from "lru-cache";
import type { DateContext, DateTag, SubSegment } from "../types.ts";
import { tagDates } from "./dates.ts";

export interface Span {
  start: number;
  end: number;
}

// Entries are a sub-segment's tags: a few hundred bytes each; a turn needs a handful.
const cache = new LRUCache<string, readonly DateTag[]>({ max: 2_000 });

/**
 * `tagDates(text, ctx)`, memoised on the text and every field of the context that resolves
 * a date. The tags are frozen: callers share them.
 */
export function tagDatesShared(text: string, ctx: DateContext): readonly DateTag[] {
  const key = `${ctx.asOf}|${ctx.fiscalYearStartMonth}|${ctx.region ?? ""}|${text}`;
  let tags = cache.get(key);
  if (tags === undefined) {
    tags = Object.freeze(tagDates(text, ctx).map((t) => Object.freeze(t)));
    cache.set(key, tags);
  }
  return tags;
}

/** The spans of the request (its own offsets) that the date tagger claims, per sub-segment. */
export function dateSpans(text: string, subSegments: SubSegment[], ctx: DateContext): Span[] {
  return subSegments.flatMap((seg) =>
    tagDatesShared(text.slice(seg.start, seg.end), ctx).map((t) => ({
      start: t.start + seg.start,
      end: t.end + seg.start,
    })),
  );
}
