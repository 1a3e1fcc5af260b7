import { describe, expect, it } from "vitest";
import type { CatalogLookup } from "../../catalog/lookup.ts";
import type { DateContext } from "../types.ts";
import { dateSpans, tagDatesShared } from "./date-spans.ts";
import { decomposeRequest } from "./decompose.ts";
import { shortlistRequest } from "./link.ts";
import { parseRequest, skillContext, testTenant, type TestTenantId } from "./testing.ts";

const CTX: DateContext = { asOf: "2011-12-10", fiscalYearStartMonth: 1 };

/** The tenant's retriever, recording every fuzzy search it is asked for. */
function spyingRetriever(tenant: TestTenantId): { retriever: CatalogLookup; searched: string[] } {
  const inner = testTenant(tenant).retriever;
  const searched: string[] = [];
  const retriever = Object.create(inner) as CatalogLookup;
  retriever.search = (query, opts) => {
    searched.push(query);
    return inner.search(query, opts);
  };
  return { retriever, searched };
}

function shortlist(text: string, tenant: TestTenantId, withDates: boolean) {
  const { retriever, searched } = spyingRetriever(tenant);
  const ctx = skillContext(testTenant(tenant));
  const { subSegments } = decomposeRequest(text);
  const spans = withDates ? dateSpans(text, subSegments, ctx.dates) : [];
  const { mentions } = shortlistRequest(text, subSegments, retriever, undefined, spans);
  return { mentions, searched };
}

describe("tagDatesShared", () => {
  it("returns the tags tagDates finds, computed once per text and date context", () => {
    const first = tagDatesShared("bought in November 2011", CTX);
    expect(first.map((t) => [t.text, t.from, t.to])).toEqual([
      ["in November 2011", "2011-11-01", "2011-12-01"],
    ]);
    expect(tagDatesShared("bought in November 2011", CTX)).toBe(first);
  });

  it("keys on the date context: another as-of day resolves relative dates again", () => {
    const dec = tagDatesShared("ordered in the last 30 days", CTX);
    const jun = tagDatesShared("ordered in the last 30 days", { ...CTX, asOf: "2011-06-01" });
    expect(dec[0]!.from).toBe("2011-11-10");
    expect(jun[0]!.from).toBe("2011-05-02");
  });

  it("hands out frozen tags, so one caller cannot change another's", () => {
    const [tag] = tagDatesShared("since December 2011", CTX);
    expect(Object.isFrozen(tag)).toBe(true);
  });
});

describe("dateSpans", () => {
  it("gives each sub-segment's date spans in the request's own offsets", () => {
    const text = "UK customers who bought candles in Q3 2011 but not since December 2011";
    const { subSegments } = decomposeRequest(text);
    const spans = dateSpans(text, subSegments, CTX).map((s) => text.slice(s.start, s.end));
    expect(spans).toEqual(["in Q3 2011", "since December 2011"]);
  });
});

describe("shortlisting skips fuzzy searches of words the date tagger claims", () => {
  const demo =
    "UK customers who bought Christmas decorations in November 2011 but haven't ordered since December 2011";

  it("does not search the catalog for month names inside a date", () => {
    expect(shortlist(demo, "online-retail", false).searched).toEqual(
      expect.arrayContaining(["November", "December"]),
    );
    const { searched } = shortlist(demo, "online-retail", true);
    expect(searched).not.toContain("November");
    expect(searched).not.toContain("December");
  });

  it("links the same catalog words as without the date spans", () => {
    const without = shortlist(demo, "online-retail", false).mentions;
    const skipping = shortlist(demo, "online-retail", true).mentions;
    expect(skipping).toEqual(without);
    expect(skipping.map((m) => [m.text, m.facetId])).toEqual([
      ["UK", "country"],
      ["Christmas decorations", "category"],
      ["ordered", "orders"],
    ]);
  });

  it("drops a fuzzy hit inside a date, which the mapper would drop anyway", () => {
    // demo-retail: "summer" is close to a category's name, but here it is a season.
    const text = "customers who bought running gear in summer 2024";
    const without = shortlist(text, "demo-retail", false).mentions.map((m) => m.text);
    const skipping = shortlist(text, "demo-retail", true).mentions.map((m) => m.text);
    expect(without).toContain("summer");
    expect(skipping).not.toContain("summer");
    const tree = parseRequest(text, { tenant: "demo-retail" }).root;
    expect(JSON.stringify(tree)).not.toContain("Sandals");
  });

  it("still searches a run of words that only partly lies inside a date", () => {
    const { retriever, searched } = spyingRetriever("online-retail");
    const text = "customers who bought retro spot lunch";
    const { subSegments } = decomposeRequest(text);
    const start = text.indexOf("spot");
    shortlistRequest(text, subSegments, retriever, undefined, [{ start, end: text.length }]);
    expect(searched.some((q) => q.includes("retro"))).toBe(true);
  });
});
