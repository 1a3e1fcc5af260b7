import { describe, expect, it } from "vitest";
import { easterSunday, tagDates } from "./dates.ts";
import type { DateContext, DateTag } from "./dates.ts";

const CTX: DateContext = { asOf: "2011-12-10", fiscalYearStartMonth: 1 };
const FY_APRIL: DateContext = { asOf: "2011-12-10", fiscalYearStartMonth: 4 };
const US: DateContext = { asOf: "2011-12-10", fiscalYearStartMonth: 1, region: "US" };

/** The single tag found in `text`; fails loudly when there are none or several. */
function only(text: string, ctx: DateContext = CTX): DateTag {
  const tags = tagDates(text, ctx);
  expect(
    tags.map((t) => t.text),
    `tags for ${JSON.stringify(text)}`,
  ).toHaveLength(1);
  return tags[0] as DateTag;
}

/** [from, to) of the single tag, undefined standing for an open bound. */
function win(text: string, ctx: DateContext = CTX): [string | undefined, string | undefined] {
  const t = only(text, ctx);
  return [t.from, t.to];
}

describe("tagDates: spans, ordering and output shape", () => {
  it("tags the example request with the cue words included in each span", () => {
    const text =
      "UK customers who bought Christmas products in October 2011 but haven't ordered since June";
    const tags = tagDates(text, CTX);
    expect(tags).toEqual([
      {
        start: text.indexOf("in October"),
        end: text.indexOf("in October") + "in October 2011".length,
        text: "in October 2011",
        from: "2011-10-01",
        to: "2011-11-01",
        kind: "calendar",
        label: "October 2011 (2011-10-01 – 2011-10-31)",
        confidence: 1,
      },
      {
        start: text.indexOf("since June"),
        end: text.length,
        text: "since June",
        from: "2011-06-01",
        kind: "since",
        label: "since June 2011 (from 2011-06-01)",
        confidence: 0.8,
      },
    ]);
  });

  it("returns verbatim text for the span even when the input is upper-case", () => {
    const t = only("Customers In The Last 90 Days");
    expect(t.text).toBe("In The Last 90 Days");
    expect([t.from, t.to]).toEqual(["2011-09-11", "2011-12-10"]);
  });

  it("keeps offsets aligned with the input when lower-casing would change string length", () => {
    const text = "İstanbul buyers since june";
    const t = only(text);
    expect(text.slice(t.start, t.end)).toBe("since june");
  });

  it("sorts tags by start and never returns overlapping spans", () => {
    const text =
      "bought between March and May 2011, again in Q4 2011, and in the last 30 days since 2010";
    const tags = tagDates(text, CTX);
    expect(tags.map((t) => t.text)).toEqual([
      "between March and May 2011",
      "in Q4 2011",
      "in the last 30 days",
      "since 2010",
    ]);
    for (let i = 1; i < tags.length; i++) {
      expect(tags[i]!.start).toBeGreaterThanOrEqual(tags[i - 1]!.end);
    }
  });

  it("prefers the longest match: 'march 2011' wins over the bare month and the bare year", () => {
    expect(only("orders from march 2011").text).toBe("from march 2011");
  });

  it("labels a window with inclusive end dates and a readable name", () => {
    expect(only("Q4 2011").label).toBe("Q4 2011 (2011-10-01 – 2011-12-31)");
    expect(only("on 5 March 2011").label).toBe("5 March 2011 (2011-03-05)");
    expect(only("before March 2011").label).toBe("before March 2011 (until 2011-02-28)");
  });
});

describe("tagDates: rolling relative windows end at as-of", () => {
  it.each([
    ["last 90 days", "2011-09-11"],
    ["in the last 60 days", "2011-10-11"],
    ["past 30 days", "2011-11-10"],
    ["previous 7 days", "2011-12-03"],
    ["within the last 2 weeks", "2011-11-26"],
    ["over the past 30 days", "2011-11-10"],
    ["past two weeks", "2011-11-26"],
    ["last 6 months", "2011-06-10"],
    ["last three months", "2011-09-10"],
    ["last 12 months", "2010-12-10"],
    ["trailing twelve months", "2010-12-10"],
    ["the last 2 years", "2009-12-10"],
    ["past twenty-one days", "2011-11-19"],
    ["the last 2 quarters", "2011-06-10"],
  ])("resolves '%s' to [as-of − N units, as-of) starting %s", (text, from) => {
    const t = only(text);
    expect([t.from, t.to, t.kind]).toEqual([from, "2011-12-10", "relative"]);
  });

  it("resolves 'last 90 days' to [as-of − 90 days, as-of) with full confidence", () => {
    const t = only("customers in the last 90 days");
    expect(t).toMatchObject({ from: "2011-09-11", to: "2011-12-10", confidence: 1 });
    expect(t.text).toBe("in the last 90 days");
  });

  it("treats 'the last month', 'the past year' and 'past week' as rolling windows of one unit", () => {
    expect(win("the last month")).toEqual(["2011-11-10", "2011-12-10"]);
    expect(win("the past year")).toEqual(["2010-12-10", "2011-12-10"]);
    expect(win("past week")).toEqual(["2011-12-03", "2011-12-10"]);
    expect(win("in the last year")).toEqual(["2010-12-10", "2011-12-10"]);
  });

  it("clamps month arithmetic at month ends (31 March − 1 month = 28 February)", () => {
    expect(win("the last month", { asOf: "2011-03-31", fiscalYearStartMonth: 1 })).toEqual([
      "2011-02-28",
      "2011-03-31",
    ]);
  });

  it("resolves 'the last 3 full months' and 'last 2 calendar weeks' to whole periods", () => {
    expect(win("the last 3 full months")).toEqual(["2011-09-01", "2011-12-01"]);
    expect(win("last 2 calendar weeks")).toEqual(["2011-11-21", "2011-12-05"]);
  });

  it("resolves forward windows from as-of: 'next 30 days', 'next month'", () => {
    expect(win("next 30 days")).toEqual(["2011-12-10", "2012-01-09"]);
    expect(win("next month")).toEqual(["2012-01-01", "2012-02-01"]);
  });

  it("resolves 'N units ago' to that single day", () => {
    expect(win("3 months ago")).toEqual(["2011-09-10", "2011-09-11"]);
    expect(win("a year ago")).toEqual(["2010-12-10", "2010-12-11"]);
  });

  it("does not tag 'next day delivery' or 'the last day' as windows", () => {
    expect(tagDates("next day delivery", CTX)).toEqual([]);
    expect(tagDates("on the last day of the month", CTX)).toEqual([]);
  });
});

describe("tagDates: calendar-anchored relative expressions", () => {
  it("resolves 'last month' (no article) to the previous calendar month", () => {
    expect(only("last month")).toMatchObject({
      from: "2011-11-01",
      to: "2011-12-01",
      kind: "relative",
      label: "November 2011 (2011-11-01 – 2011-11-30)",
    });
    expect(win("the previous month")).toEqual(["2011-11-01", "2011-12-01"]);
  });

  it("resolves 'this month', 'this quarter' and 'last quarter' to calendar periods", () => {
    expect(win("this month")).toEqual(["2011-12-01", "2012-01-01"]);
    expect(win("this quarter")).toEqual(["2011-10-01", "2012-01-01"]);
    expect(win("last quarter")).toEqual(["2011-07-01", "2011-10-01"]);
  });

  it("resolves 'this year' to the whole calendar year (not clipped to as-of)", () => {
    expect(win("this year")).toEqual(["2011-01-01", "2012-01-01"]);
  });

  it("resolves 'year to date' / 'ytd' to [1 January, as-of)", () => {
    expect(win("year to date")).toEqual(["2011-01-01", "2011-12-10"]);
    expect(win("ytd")).toEqual(["2011-01-01", "2011-12-10"]);
  });

  it("resolves 'last year' to the previous calendar year", () => {
    expect(win("last year")).toEqual(["2010-01-01", "2011-01-01"]);
  });

  it("resolves 'last week' to the previous Monday-to-Sunday week and 'this week' to the current", () => {
    // 2011-12-10 is a Saturday.
    expect(win("last week")).toEqual(["2011-11-28", "2011-12-05"]);
    expect(win("this week")).toEqual(["2011-12-05", "2011-12-12"]);
  });

  it("resolves 'today' to the as-of day and 'yesterday' to the day before", () => {
    expect(win("today")).toEqual(["2011-12-10", "2011-12-11"]);
    expect(win("yesterday")).toEqual(["2011-12-09", "2011-12-10"]);
  });

  it("resolves 'last friday' to the most recent Friday before as-of", () => {
    expect(win("last friday")).toEqual(["2011-12-09", "2011-12-10"]);
    expect(win("last saturday")).toEqual(["2011-12-03", "2011-12-04"]);
  });
});

describe("tagDates: explicit calendar periods", () => {
  it("resolves a month with a year, with or without a leading preposition", () => {
    expect(only("in October 2011")).toMatchObject({
      from: "2011-10-01",
      to: "2011-11-01",
      kind: "calendar",
      confidence: 1,
    });
    expect(win("Dec 2010")).toEqual(["2010-12-01", "2011-01-01"]);
    expect(win("december '10")).toEqual(["2010-12-01", "2011-01-01"]);
    expect(win("oct. 2011")).toEqual(["2011-10-01", "2011-11-01"]);
    expect(win("march of 2011")).toEqual(["2011-03-01", "2011-04-01"]);
    expect(win("10/2011")).toEqual(["2011-10-01", "2011-11-01"]);
  });

  it("resolves 'in 2011' and 'during 2010' to whole calendar years", () => {
    expect(only("in 2011")).toMatchObject({ from: "2011-01-01", to: "2012-01-01", confidence: 1 });
    expect(win("during 2010")).toEqual(["2010-01-01", "2011-01-01"]);
    expect(win("in the year 2009")).toEqual(["2009-01-01", "2010-01-01"]);
    expect(win("in the 2010 calendar year")).toEqual(["2010-01-01", "2011-01-01"]);
  });

  it.each([
    ["Q1 2011", "2011-01-01", "2011-04-01"],
    ["first quarter of 2011", "2011-01-01", "2011-04-01"],
    ["the first quarter of 2011", "2011-01-01", "2011-04-01"],
    ["2011 Q1", "2011-01-01", "2011-04-01"],
    ["Q1 '11", "2011-01-01", "2011-04-01"],
    ["Q1-2011", "2011-01-01", "2011-04-01"],
    ["Q4 2011", "2011-10-01", "2012-01-01"],
    ["4th quarter 2010", "2010-10-01", "2011-01-01"],
    ["H1 2011", "2011-01-01", "2011-07-01"],
    ["first half of 2011", "2011-01-01", "2011-07-01"],
    ["H2 2011", "2011-07-01", "2012-01-01"],
    ["the second half of 2010", "2010-07-01", "2011-01-01"],
    ["q2 last year", "2010-04-01", "2010-07-01"],
  ])("resolves '%s' to [%s, %s)", (text, from, to) => {
    expect(win(text)).toEqual([from, to]);
  });

  it.each([
    ["on 5 March 2011", "on 5 March 2011"],
    ["March 5th, 2011", "March 5th, 2011"],
    ["2011-03-05", "2011-03-05"],
    ["the 5th of march 2011", "the 5th of march 2011"],
    ["5-Mar-2011", "5-Mar-2011"],
    ["05/03/2011", "05/03/2011"],
  ])("resolves the specific day '%s' to [2011-03-05, 2011-03-06)", (text, span) => {
    const t = only(text);
    expect([t.text, t.from, t.to, t.kind]).toEqual([span, "2011-03-05", "2011-03-06", "calendar"]);
  });

  it("reads numeric dates day-first in GB and month-first in US", () => {
    expect(win("05/03/2011")).toEqual(["2011-03-05", "2011-03-06"]);
    expect(win("05/03/2011", US)).toEqual(["2011-05-03", "2011-05-04"]);
    expect(only("25/12/2010", US)).toMatchObject({ from: "2010-12-25", confidence: 1 });
  });

  it("uses chrono for day-level dates written with ordinal words", () => {
    expect(only("the fifth of March 2011")).toMatchObject({
      text: "the fifth of March 2011",
      from: "2011-03-05",
      to: "2011-03-06",
    });
    expect(only("on the first of march")).toMatchObject({
      text: "on the first of march",
      from: "2011-03-01",
      to: "2011-03-02",
    });
  });

  it("resolves 'the week of <day>' to the Monday-start week containing it", () => {
    expect(only("in the week of 5 March 2011")).toMatchObject({
      text: "in the week of 5 March 2011",
      from: "2011-02-28",
      to: "2011-03-07",
    });
    expect(win("week commencing 5 march 2011")).toEqual(["2011-03-05", "2011-03-12"]);
  });

  it("resolves early/mid/late month to thirds of the month", () => {
    expect(win("early March 2011")).toEqual(["2011-03-01", "2011-03-11"]);
    expect(win("mid-march 2011")).toEqual(["2011-03-11", "2011-03-21"]);
    expect(win("late February 2011")).toEqual(["2011-02-21", "2011-03-01"]);
  });

  it("resolves 'the start of' / 'the end of' a period to its first / last day", () => {
    expect(only("since the start of june")).toMatchObject({ from: "2011-06-01", kind: "since" });
    expect(win("at the end of 2010")).toEqual(["2010-12-31", "2011-01-01"]);
  });
});

describe("tagDates: year-less expressions resolve to the most recent started occurrence", () => {
  it.each([
    ["in November", "2011-11-01", "2011-12-01"],
    ["in December", "2011-12-01", "2012-01-01"],
    ["in March", "2011-03-01", "2011-04-01"],
    ["during may", "2011-05-01", "2011-06-01"],
    ["Q4", "2011-10-01", "2012-01-01"],
    ["Q1", "2011-01-01", "2011-04-01"],
    ["H2", "2011-07-01", "2012-01-01"],
    ["on 5 March", "2011-03-05", "2011-03-06"],
    ["on december 25th", "2010-12-25", "2010-12-26"],
  ])("resolves '%s' to [%s, %s) with as-of 2011-12-10", (text, from, to) => {
    expect(win(text)).toEqual([from, to]);
  });

  it("gives year-less mentions a lower confidence than explicit ones", () => {
    expect(only("in November").confidence).toBe(0.8);
    expect(only("in November 2011").confidence).toBe(1);
    expect(only("Q4").confidence).toBeLessThan(1);
  });

  it("moves back a year when the month has not started yet", () => {
    expect(win("in December", { asOf: "2011-11-15", fiscalYearStartMonth: 1 })).toEqual([
      "2010-12-01",
      "2011-01-01",
    ]);
  });

  it("tags a bare full month name with a low confidence, but not 'may' or 'march' used as verbs", () => {
    expect(only("customers active november").confidence).toBe(0.6);
    expect(tagDates("customers who may churn", CTX)).toEqual([]);
    expect(tagDates("we march forward with the campaign", CTX)).toEqual([]);
  });

  it("tags a bare ambiguous month when it is coordinated with another month", () => {
    const tags = tagDates("bought in april or may", CTX);
    expect(tags.map((t) => [t.text, t.from])).toEqual([
      ["in april", "2011-04-01"],
      ["may", "2011-05-01"],
    ]);
  });
});

describe("tagDates: 'last/this/next <named period>'", () => {
  it.each([
    ["last November", "2011-11-01", "2011-12-01"],
    ["last December", "2010-12-01", "2011-01-01"],
    ["last March", "2011-03-01", "2011-04-01"],
    ["this march", "2011-03-01", "2011-04-01"],
    ["next january", "2012-01-01", "2012-02-01"],
    ["last summer", "2011-06-01", "2011-09-01"],
    ["last winter", "2010-12-01", "2011-03-01"],
    ["this winter", "2011-12-01", "2012-03-01"],
    ["last christmas", "2010-12-25", "2010-12-26"],
    ["this christmas", "2011-12-25", "2011-12-26"],
  ])("resolves '%s' to [%s, %s) with as-of 2011-12-10", (text, from, to) => {
    expect(win(text)).toEqual([from, to]);
  });
});

describe("tagDates: seasons (meteorological, northern hemisphere)", () => {
  it.each([
    ["spring 2011", "2011-03-01", "2011-06-01"],
    ["summer 2011", "2011-06-01", "2011-09-01"],
    ["the summer of 2010", "2010-06-01", "2010-09-01"],
    ["autumn 2011", "2011-09-01", "2011-12-01"],
    ["fall 2011", "2011-09-01", "2011-12-01"],
    ["winter 2010", "2010-12-01", "2011-03-01"],
    ["winter 2010/11", "2010-12-01", "2011-03-01"],
  ])("resolves '%s' to [%s, %s)", (text, from, to) => {
    expect(only(text)).toMatchObject({ from, to, kind: "season" });
  });

  it("labels winter Y as December Y – February Y+1 ('winter 2011' = 2011-12-01 .. 2012-03-01)", () => {
    expect(only("winter 2011")).toMatchObject({
      from: "2011-12-01",
      to: "2012-03-01",
      label: "winter 2011/12 (2011-12-01 – 2012-02-29)",
    });
  });

  it("resolves year-less seasons after a cue to the most recent started season", () => {
    expect(win("in the summer")).toEqual(["2011-06-01", "2011-09-01"]);
    expect(win("in spring")).toEqual(["2011-03-01", "2011-06-01"]);
    expect(win("during winter")).toEqual(["2011-12-01", "2012-03-01"]);
    expect(win("in winter", { asOf: "2011-11-20", fiscalYearStartMonth: 1 })).toEqual([
      "2010-12-01",
      "2011-03-01",
    ]);
  });

  it("does not tag season words used as product descriptors or verbs", () => {
    expect(tagDates("customers who bought summer dresses", CTX)).toEqual([]);
    expect(tagDates("a fall in spend", CTX)).toEqual([]);
    expect(tagDates("spring 2011 collection", CTX)).toEqual([]);
  });
});

describe("tagDates: ranges", () => {
  it.each([
    ["between March and May 2011", "2011-03-01", "2011-06-01"],
    ["from March to May 2011", "2011-03-01", "2011-06-01"],
    ["March to May 2011", "2011-03-01", "2011-06-01"],
    ["March–May 2011", "2011-03-01", "2011-06-01"],
    ["march - may 2011", "2011-03-01", "2011-06-01"],
    ["between 1 March and 15 April 2011", "2011-03-01", "2011-04-16"],
    ["from 2011-01-01 to 2011-03-31", "2011-01-01", "2011-04-01"],
    ["from 1/3/2011 to 31/3/2011", "2011-03-01", "2011-04-01"],
    ["between Q1 and Q3 2011", "2011-01-01", "2011-10-01"],
    ["between 2010 and 2011", "2010-01-01", "2012-01-01"],
    ["from 2009 to 2010", "2009-01-01", "2011-01-01"],
    ["spring to autumn 2011", "2011-03-01", "2011-12-01"],
    ["5-10 march 2011", "2011-03-05", "2011-03-11"],
    ["march 5 to 10, 2011", "2011-03-05", "2011-03-11"],
  ])("resolves '%s' to [%s, %s) including the whole last unit", (text, from, to) => {
    const t = only(text);
    expect([t.text, t.from, t.to, t.kind]).toEqual([text, from, to, "range"]);
  });

  it("propagates the year of the second part to the first, moving back a year across new year", () => {
    expect(win("from November to February 2011")).toEqual(["2010-11-01", "2011-03-01"]);
    expect(win("november 2010 to february")).toEqual(["2010-11-01", "2011-03-01"]);
  });

  it("resolves a year-less range to the most recent occurrence whose start has begun", () => {
    expect(win("March to May")).toEqual(["2011-03-01", "2011-06-01"]);
    expect(win("from november to february")).toEqual(["2011-11-01", "2012-03-01"]);
    expect(win("between christmas and new year")).toEqual(["2010-12-25", "2011-01-02"]);
  });

  it("joins relative anchors too: 'from last month to this month'", () => {
    expect(win("from last month to this month")).toEqual(["2011-11-01", "2012-01-01"]);
  });

  it("keeps a leading cue before a range in the span", () => {
    expect(only("orders in march to may 2011").text).toBe("in march to may 2011");
  });

  it("produces two tags for a parenthetical restatement", () => {
    const tags = tagDates("spring 2011 (March to May)", CTX);
    expect(tags.map((t) => [t.text, t.from, t.to, t.kind])).toEqual([
      ["spring 2011", "2011-03-01", "2011-06-01", "season"],
      ["March to May", "2011-03-01", "2011-06-01", "range"],
    ]);
  });

  it("does not build a range out of amounts ('spent from 2000 to 3000')", () => {
    expect(tagDates("spent from 2000 to 3000", CTX)).toEqual([]);
    expect(tagDates("between 2000 and 3000 orders", CTX)).toEqual([]);
  });
});

describe("tagDates: since / after / before", () => {
  it("resolves 'since X' to [start of X, open)", () => {
    const t = only("haven't ordered since June");
    expect([t.text, t.from, t.to, t.kind]).toEqual([
      "since June",
      "2011-06-01",
      undefined,
      "since",
    ]);
    expect("to" in t).toBe(false);
    expect(win("since June 2011")).toEqual(["2011-06-01", undefined]);
    expect(win("since 2011")).toEqual(["2011-01-01", undefined]);
    expect(win("ever since 2010")).toEqual(["2010-01-01", undefined]);
    expect(win("since last month")).toEqual(["2011-11-01", undefined]);
    expect(win("since 3 months ago")).toEqual(["2011-09-10", undefined]);
  });

  it("resolves 'after X' to [end of X, open)", () => {
    expect(only("after March 2011")).toMatchObject({ from: "2011-04-01", kind: "after" });
    expect(only("after March 2011").to).toBeUndefined();
    expect(win("after Q3 2011")).toEqual(["2011-10-01", undefined]);
  });

  it("resolves 'before X', 'prior to X' and 'until X' to [open, start of X)", () => {
    expect(only("before March 2011")).toMatchObject({ to: "2011-03-01", kind: "before" });
    expect(only("before March 2011").from).toBeUndefined();
    expect(win("prior to 2011")).toEqual([undefined, "2011-01-01"]);
    expect(win("until May")).toEqual([undefined, "2011-05-01"]);
    expect(win("before 5 may")).toEqual([undefined, "2011-05-05"]);
  });

  it("treats 'X onwards' as since X and 'X or earlier' as up to the end of X", () => {
    expect(only("from june 2011 onwards")).toMatchObject({ from: "2011-06-01", kind: "since" });
    expect(win("2011 onwards")).toEqual(["2011-01-01", undefined]);
    expect(only("2010 or earlier")).toMatchObject({ to: "2011-01-01", kind: "before" });
  });

  it("does not tag a bare 'since' with no anchor", () => {
    expect(tagDates("customers who have not ordered since", CTX)).toEqual([]);
    expect(tagDates("not since", CTX)).toEqual([]);
  });

  it("leaves 'by' and 'as of' out of the span", () => {
    expect(only("by march 2011").text).toBe("march 2011");
    expect(only("as of june 2011").text).toBe("june 2011");
  });
});

describe("tagDates: holidays", () => {
  it("computes Easter with the Gregorian computus", () => {
    expect(easterSunday(2011)).toBe("2011-04-24");
    expect(easterSunday(2010)).toBe("2010-04-04");
    expect(easterSunday(2019)).toBe("2019-04-21");
  });

  it.each([
    ["Christmas 2010", "2010-12-25"],
    ["Christmas Day 2011", "2011-12-25"],
    ["xmas 2010", "2010-12-25"],
    ["Christmas Eve 2010", "2010-12-24"],
    ["Boxing Day 2010", "2010-12-26"],
    ["New Year's Eve 2010", "2010-12-31"],
    ["New Year's Day 2011", "2011-01-01"],
    ["Valentine's Day 2011", "2011-02-14"],
    ["St Patrick's Day 2011", "2011-03-17"],
    ["Easter 2011", "2011-04-24"],
    ["Easter Sunday 2010", "2010-04-04"],
    ["Good Friday 2011", "2011-04-22"],
    ["Easter Monday 2011", "2011-04-25"],
    ["Mother's Day 2011", "2011-04-03"],
    ["Mothering Sunday 2010", "2010-03-14"],
    ["Father's Day 2011", "2011-06-19"],
    ["Halloween 2011", "2011-10-31"],
    ["Bonfire Night 2011", "2011-11-05"],
    ["Guy Fawkes Night 2010", "2010-11-05"],
    ["Thanksgiving 2011", "2011-11-24"],
    ["Black Friday 2011", "2011-11-25"],
    ["Cyber Monday 2011", "2011-11-28"],
  ])("resolves '%s' to the single day %s", (text, day) => {
    const t = only(text);
    expect([t.from, t.kind]).toEqual([day, "holiday"]);
    const next = new Date(`${day}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    expect(t.to).toBe(next.toISOString().slice(0, 10));
  });

  it("uses the US Mother's Day (2nd Sunday of May) for region US", () => {
    expect(win("Mother's Day 2011", US)).toEqual(["2011-05-08", "2011-05-09"]);
  });

  it("resolves a holiday after a temporal preposition to the most recent started one", () => {
    expect(only("at Christmas")).toMatchObject({
      text: "at Christmas",
      from: "2010-12-25",
      to: "2010-12-26",
      kind: "holiday",
    });
    expect(win("around christmas")).toEqual(["2010-12-25", "2010-12-26"]);
    expect(win("over Easter")).toEqual(["2011-04-24", "2011-04-25"]);
    expect(win("on halloween")).toEqual(["2011-10-31", "2011-11-01"]);
    expect(win("for valentine's")).toEqual(["2011-02-14", "2011-02-15"]);
    expect(win("on Black Friday")).toEqual(["2011-11-25", "2011-11-26"]);
  });

  it("combines holidays with since/before cues", () => {
    expect(only("since Christmas")).toMatchObject({ from: "2010-12-25", kind: "since" });
    expect(only("before halloween 2011")).toMatchObject({ to: "2011-10-31", kind: "before" });
    expect(only("after boxing day 2010")).toMatchObject({ from: "2010-12-27", kind: "after" });
  });

  it("tags intrinsically temporal holiday names on their own with lower confidence", () => {
    expect(only("Christmas Day")).toMatchObject({ from: "2010-12-25", confidence: 0.7 });
    expect(only("black friday shoppers").text).toBe("black friday");
  });

  it.each([
    "bought Christmas products",
    "christmas decorations",
    "Christmas items in the basket",
    "Easter items",
    "easter eggs",
    "halloween costumes",
    "mother's day gifts",
    "valentines day cards",
    "christmas-themed products",
    "shopped for christmas gifts",
    "christmas 2010 products",
    "merry christmas",
    "bank holidays",
    "in the new year",
  ])("does not tag the merchandise or non-temporal use in '%s'", (text) => {
    expect(tagDates(text, CTX)).toEqual([]);
  });

  it("tags the date but not the category in a full request", () => {
    const tags = tagDates("bought Christmas decorations at Christmas 2010", CTX);
    expect(tags.map((t) => t.text)).toEqual(["at Christmas 2010"]);
  });

  it("widens a holiday to its week with 'the week of'", () => {
    expect(win("the week of christmas 2010")).toEqual(["2010-12-20", "2010-12-27"]);
  });
});

describe("tagDates: retail periods", () => {
  it.each([
    ["Black Friday weekend 2011", "2011-11-25", "2011-11-29", "holiday"],
    ["Easter weekend 2011", "2011-04-22", "2011-04-26", "holiday"],
    ["the holiday season 2010", "2010-11-01", "2011-01-01", "season"],
    ["the 2010 holiday season", "2010-11-01", "2011-01-01", "season"],
    ["the Christmas season 2010", "2010-11-01", "2011-01-01", "season"],
    ["the festive season 2010", "2010-11-01", "2011-01-01", "season"],
    ["the run-up to Christmas 2010", "2010-12-01", "2010-12-25", "season"],
    ["the January sales 2011", "2010-12-26", "2011-02-01", "season"],
    ["back to school 2011", "2011-08-01", "2011-09-16", "season"],
  ])("resolves '%s' to [%s, %s) of kind %s", (text, from, to, kind) => {
    expect(only(text)).toMatchObject({ from, to, kind });
  });

  it("resolves year-less retail periods to the most recent started one", () => {
    expect(win("during the holiday season")).toEqual(["2011-11-01", "2012-01-01"]);
    expect(win("over the holidays")).toEqual(["2011-11-01", "2012-01-01"]);
    expect(win("in the run-up to christmas")).toEqual(["2011-12-01", "2011-12-25"]);
    expect(win("in the january sales")).toEqual(["2010-12-26", "2011-02-01"]);
    expect(win("during back to school")).toEqual(["2011-08-01", "2011-09-16"]);
  });

  it("does not tag 'back to school' product talk without a cue", () => {
    expect(tagDates("bought back to school items", CTX)).toEqual([]);
  });
});

describe("tagDates: fiscal periods", () => {
  it("labels fiscal years by the calendar year they end in", () => {
    expect(only("FY2011", FY_APRIL)).toMatchObject({
      from: "2010-04-01",
      to: "2011-04-01",
      kind: "fiscal",
      label: "FY2011 (2010-04-01 – 2011-03-31)",
    });
    expect(win("fiscal 2011", FY_APRIL)).toEqual(["2010-04-01", "2011-04-01"]);
    expect(win("fiscal year 2011", FY_APRIL)).toEqual(["2010-04-01", "2011-04-01"]);
    expect(win("FY11", FY_APRIL)).toEqual(["2010-04-01", "2011-04-01"]);
    expect(win("FY2010/11", FY_APRIL)).toEqual(["2010-04-01", "2011-04-01"]);
  });

  it("treats a January fiscal year start as the calendar year", () => {
    expect(only("FY2011")).toMatchObject({ from: "2011-01-01", to: "2012-01-01", kind: "fiscal" });
  });

  it.each([
    ["fiscal Q1 2011", "2010-04-01", "2010-07-01"],
    ["FQ1 2011", "2010-04-01", "2010-07-01"],
    ["Q1 FY2011", "2010-04-01", "2010-07-01"],
    ["q1 of fy11", "2010-04-01", "2010-07-01"],
    ["fy2011 q2", "2010-07-01", "2010-10-01"],
    ["the second quarter of fy2012", "2011-07-01", "2011-10-01"],
  ])("resolves '%s' to the fiscal quarter [%s, %s)", (text, from, to) => {
    expect(only(text, FY_APRIL)).toMatchObject({ from, to, kind: "fiscal" });
  });

  it("resolves this/last fiscal year and quarter against as-of", () => {
    expect(win("this fiscal year", FY_APRIL)).toEqual(["2011-04-01", "2012-04-01"]);
    expect(win("last fiscal year", FY_APRIL)).toEqual(["2010-04-01", "2011-04-01"]);
    expect(win("this fiscal quarter", FY_APRIL)).toEqual(["2011-10-01", "2012-01-01"]);
    expect(win("last fiscal quarter", FY_APRIL)).toEqual(["2011-07-01", "2011-10-01"]);
    expect(win("fiscal year to date", FY_APRIL)).toEqual(["2011-04-01", "2011-12-10"]);
    expect(win("last fiscal year")).toEqual(["2010-01-01", "2011-01-01"]);
  });

  it("resolves a year-less fiscal quarter to the most recent started one", () => {
    expect(only("fiscal q3", FY_APRIL)).toMatchObject({
      from: "2011-10-01",
      to: "2012-01-01",
      label: "FY2012 Q3 (2011-10-01 – 2011-12-31)",
    });
  });

  it("keeps plain 'Q1 2011' a calendar quarter even with a non-January fiscal year", () => {
    expect(only("Q1 2011", FY_APRIL)).toMatchObject({
      from: "2011-01-01",
      to: "2011-04-01",
      kind: "calendar",
    });
  });
});

describe("tagDates: bare years and numbers that are not dates", () => {
  it("tags a 4-digit year after in/during/since/before/after/of", () => {
    expect(only("customers active in 2011").text).toBe("in 2011");
    expect(win("orders of 2011")).toEqual(["2011-01-01", "2012-01-01"]);
    expect(only("orders of 2011").text).toBe("2011");
  });

  it("tags a bare year standing alone with a low confidence", () => {
    expect(only("customers active 2011")).toMatchObject({ from: "2011-01-01", confidence: 0.6 });
  });

  it.each([
    "at least 2000",
    "£2,000",
    "£2000 or more",
    "$2011",
    "more than 2011 units",
    "10 orders",
    "£500",
    "200 distinct products",
    "3 times",
    "top 2000 customers",
    "spent over 2000",
    "a total of 2000",
    "in 2000 stores",
    "up to 2000",
    "2011%",
    "2011.50",
    "postcode 2011",
    "march 10 orders",
  ])("produces no tag for the amount or count in '%s'", (text) => {
    expect(tagDates(text, CTX)).toEqual([]);
  });

  it("separates amounts from years in one request", () => {
    const tags = tagDates("customers who spent over 2000 in 2011 with at least 10 orders", CTX);
    expect(tags.map((t) => t.text)).toEqual(["in 2011"]);
  });
});

describe("tagDates: robustness", () => {
  it("returns [] for empty, non-temporal or garbage input", () => {
    expect(tagDates("", CTX)).toEqual([]);
    expect(tagDates("UK customers with high lifetime value", CTX)).toEqual([]);
    let garbage = "";
    for (let i = 0; i < 5000; i++) garbage += String.fromCharCode((i * 7919) % 65536);
    expect(() => tagDates(garbage, CTX)).not.toThrow();
    expect(tagDates("\u0000\uffff\ud800", CTX)).toEqual([]);
  });

  it("returns [] rather than throwing on a malformed context", () => {
    expect(tagDates("in 2011", { asOf: "not a date", fiscalYearStartMonth: 1 })).toEqual([]);
    expect(tagDates("in 2011", { asOf: "2011-02-30", fiscalYearStartMonth: 1 })).toEqual([]);
    expect(tagDates("FY2011", { asOf: "2011-12-10", fiscalYearStartMonth: 42 })).toHaveLength(1);
    expect(tagDates(undefined as unknown as string, CTX)).toEqual([]);
  });

  it("handles a 20,000-character input quickly", () => {
    const text = "customers who bought in march 2011 and spent £2,000 since june ".repeat(320);
    const t0 = performance.now();
    const tags = tagDates(text, CTX);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(tags.length).toBe(640);
    expect(tagDates("x".repeat(20_000), CTX)).toEqual([]);
    expect(tagDates(`march${" ".repeat(20_000)}x`, CTX)).toEqual([]);
  });
});

describe("tagDates: spans back from the as-of date and around named days", () => {
  /** text -> [from, to) */
  const EXAMPLES: [string, [string | undefined, string | undefined]][] = [
    ["has not purchased in 120 days", ["2011-08-12", "2011-12-10"]],
    ["ordered within 60 days", ["2011-10-11", "2011-12-10"]],
    ["last order between 8 and 16 weeks ago", ["2011-08-20", "2011-10-16"]],
    ["ordered 3 to 6 months ago", ["2011-06-10", "2011-09-11"]],
    ["ordered between 60 and 120 days ago", ["2011-08-12", "2011-10-12"]],
    ["bought in the week before Christmas 2010", ["2010-12-18", "2010-12-25"]],
    ["in the 90 days before Christmas 2010", ["2010-09-26", "2010-12-25"]],
    ["the week after Christmas 2010", ["2010-12-26", "2011-01-02"]],
  ];
  for (const [text, expected] of EXAMPLES) it(text, () => expect(win(text)).toEqual(expected));

  it("leaves spans relative to another event alone", () => {
    expect(tagDates("bought again within 30 days of their first order", CTX)).toEqual([]);
  });

  it("reads every month of a list and gives them the year after the last", () => {
    const tags = tagDates("ordered in each of Jul, Aug and Sep 2010", CTX);
    expect(tags.map((t) => [t.from, t.to])).toEqual([
      ["2010-07-01", "2010-08-01"],
      ["2010-08-01", "2010-09-01"],
      ["2010-09-01", "2010-10-01"],
    ]);
  });
});
