/**
 * Date tagger: finds the temporal expressions in a marketer's request and resolves each one to a
 * half-open window [from, to) of ISO dates against the tenant's as-of date.
 *
 * Design
 * - Our own grammar does the heavy lifting. chrono-node is good at explicit calendar dates, but its
 *   spans leave out the prepositions we must report, it cannot tell "since" from "before", it has no
 *   notion of quarters, seasons, fiscal years or retail holidays, and it resolves year-less dates
 *   towards the nearest/forward year rather than the data contract's "most recent started
 *   occurrence". So chrono is only a fallback for day-level dates our grammar misses ("the fifth of
 *   March 2011", "Saturday, March 5th") and it only runs when a month name sits near an ordinal
 *   word or weekday that none of our rules consumed.
 * - Tagging runs in three layers: (1) "atoms" — bare expressions such as "march 2011", "q4",
 *   "christmas", "the last 90 days"; (2) compositions — ranges ("between A and B", "A to B") and
 *   "the week of <day>"; (3) cue handling — a leading preposition ("since", "before", "in", ...)
 *   or a trailing "onwards" turns an atom into the final window and is included in the span.
 *   Overlapping candidates are resolved longest-first.
 * - Recurring expressions (months, quarters, seasons, holidays, fiscal periods) are functions of a
 *   labelling year, so year-less mentions, "last/this/next" modifiers and year propagation across
 *   ranges all share one resolution rule.
 *
 * Conventions chosen where the contract leaves room (each one is tested):
 * - "this year" / "this month" / "this quarter" / "this week" are the full calendar period, not
 *   clipped to as-of; "year to date"/"ytd" is the clipped variant.
 * - "today" is the as-of day [asOf, asOf+1) and "yesterday" is [asOf−1, asOf).
 * - "last month" (no article) is the previous calendar month; "the last month", "past month" are
 *   the rolling month ending at as-of. Same for week/quarter/year.
 * - Winter Y is December Y to February Y+1 ("winter 2010" = 2010-12-01 .. 2011-03-01); "winter
 *   2010/11" names the same season.
 * - A named holiday with any preposition ("at", "around", "over Christmas") is the holiday itself
 *   (a single day); use "the Christmas period"/"the holiday season" for the wider window.
 * - "X onwards" is "since X"; "X or earlier" is everything up to the END of X (inclusive).
 * - "by X" and "as of X" are not cues: X is tagged on its own.
 */
import { NUMBER_WORDS } from "./lexicon.ts";
import * as chrono from "chrono-node";
import type { DateContext, DateTag } from "../types.ts";

// The seam's types: what a date tag is, against what it is resolved.
export type { DateContext, DateTag } from "../types.ts";

export type DateKind = DateTag["kind"];
type Region = "GB" | "US";
type AtomKind = "calendar" | "relative" | "holiday" | "season" | "fiscal" | "range";

// ---------------------------------------------------------------------------------------------
// Day arithmetic on integer day numbers (days since 1970-01-01, UTC) — immune to time zones/DST.
// ---------------------------------------------------------------------------------------------

type Day = number;
interface Win {
  from: Day;
  to: Day;
}

const MS_PER_DAY = 86_400_000;

function dayOf(y: number, m: number, d: number): Day {
  return Math.round(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

function partsOf(day: Day): { y: number; m: number; d: number } {
  const dt = new Date(day * MS_PER_DAY);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

function iso(day: Day): string {
  const { y, m, d } = partsOf(day);
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

function daysInMonth(y: number, m: number): number {
  return dayOf(y, m + 1, 1) - dayOf(y, m, 1);
}

/** Calendar-month shift that clamps the day (31 March − 1 month = 28/29 February). */
function addMonths(day: Day, n: number): Day {
  const { y, m, d } = partsOf(day);
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  return dayOf(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
function weekdayOf(day: Day): number {
  return (((day + 4) % 7) + 7) % 7;
}

function mondayOf(day: Day): Day {
  return day - ((weekdayOf(day) + 6) % 7);
}

/** n-th (1-based) given weekday of a month; n = -1 for the last one. */
function nthWeekday(y: number, m: number, weekday: number, n: number): Day {
  if (n < 0) {
    const last = dayOf(y, m + 1, 0);
    return last - ((weekdayOf(last) - weekday + 7) % 7);
  }
  const first = dayOf(y, m, 1);
  return first + ((weekday - weekdayOf(first) + 7) % 7) + 7 * (n - 1);
}

/** Western Easter Sunday (anonymous Gregorian computus). */
function easterDay(y: number): Day {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayOf(y, month, day);
}

/** Easter Sunday of a year as YYYY-MM-DD. */
export function easterSunday(year: number): string {
  return iso(easterDay(year));
}

const oneDay = (d: Day): Win => ({ from: d, to: d + 1 });

type Unit = "day" | "week" | "month" | "quarter" | "year";

function shift(day: Day, unit: Unit, k: number): Day {
  switch (unit) {
    case "day":
      return day + k;
    case "week":
      return day + 7 * k;
    case "month":
      return addMonths(day, k);
    case "quarter":
      return addMonths(day, 3 * k);
    case "year":
      return addMonths(day, 12 * k);
  }
}

/**
 * The one calendar arithmetic of the rules tier: `iso` shifted by `k` units (negative goes
 * back), months clamped to the month's end (2011-03-31 − 1 month = 2011-02-28).
 */
export function shiftIsoDate(isoDate: string, unit: Unit, k: number): string {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  return iso(shift(dayOf(y, m, d), unit, k));
}

export type DateUnit = Unit;

function periodStart(day: Day, unit: Unit): Day {
  const { y, m } = partsOf(day);
  switch (unit) {
    case "day":
      return day;
    case "week":
      return mondayOf(day);
    case "month":
      return dayOf(y, m, 1);
    case "quarter":
      return dayOf(y, 3 * Math.floor((m - 1) / 3) + 1, 1);
    case "year":
      return dayOf(y, 1, 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Context and atoms
// ---------------------------------------------------------------------------------------------

interface Ctx {
  asOf: Day;
  asOfY: number;
  /** Fiscal year start month, 1..12. */
  fsm: number;
  region: Region;
}

/**
 * strong: a date on its own ("march 2011", "q4", "the last 90 days").
 * soft: probably a date on its own, lower confidence without a cue ("november", "black friday").
 * weak: only a date after a cue, in a range, or coordinated with another month ("may", "christmas").
 */
type Strength = "strong" | "soft" | "weak";

interface Atom {
  start: number;
  end: number;
  kind: AtomKind;
  strength: Strength;
  conf: number;
  /** Recurring expressions: the occurrence labelled `y` (null when that year has none). */
  at?: (y: number) => Win | null;
  name?: (y: number) => string;
  /** Explicit (or modifier-chosen) labelling year of a recurring expression. */
  year?: number;
  /** Non-recurring expressions (relative windows, bare years, chrono ranges). */
  fixed?: Win;
  fixedName?: string;
  /** Bare 4-digit years need numeric-context checks ("at least 2000", "2011 units"). */
  numericYear?: boolean;
  /** A month or season name: may pair up in bare ranges ("march to may") and coordinations. */
  nameWord?: boolean;
  dayLevel?: boolean;
  dayRange?: boolean;
  fromChrono?: boolean;
}

type AtomInit = Omit<Atom, "start" | "end">;

interface Resolved {
  win: Win;
  name: string;
}

const MIN_DAY = dayOf(1000, 1, 1);
const MAX_DAY = dayOf(9999, 12, 31);

function sane(w: Win | null | undefined): w is Win {
  return (
    !!w &&
    Number.isFinite(w.from) &&
    Number.isFinite(w.to) &&
    w.from >= MIN_DAY &&
    w.to <= MAX_DAY &&
    w.from <= w.to
  );
}

type YearMode = "recent" | "last" | "this" | "next";

/**
 * The labelling year to use for a recurring expression:
 * recent = most recent occurrence that has started on or before as-of (year-less mentions);
 * last = most recent occurrence that has fully ended by as-of ("last November", "last summer");
 * this = the occurrence labelled with as-of's year; next = the first one starting after as-of.
 */
function pickYear(at: (y: number) => Win | null, c: Ctx, mode: YearMode): number | undefined {
  if (mode === "this") return sane(at(c.asOfY)) ? c.asOfY : undefined;
  if (mode === "next") {
    for (let y = c.asOfY - 1; y <= c.asOfY + 4; y++) {
      const w = at(y);
      if (sane(w) && w.from > c.asOf) return y;
    }
    return undefined;
  }
  for (let y = c.asOfY + 1; y >= c.asOfY - 5; y--) {
    const w = at(y);
    if (!sane(w)) continue;
    if (mode === "recent" ? w.from <= c.asOf : w.to <= c.asOf) return y;
  }
  return undefined;
}

function modeOf(word: string | undefined): YearMode | undefined {
  switch (word) {
    case "last":
    case "previous":
    case "prior":
      return "last";
    case "this":
    case "current":
      return "this";
    case "next":
    case "coming":
      return "next";
    default:
      return undefined;
  }
}

function resolveAtom(a: Atom, c: Ctx): Resolved | null {
  if (a.fixed) return sane(a.fixed) ? { win: a.fixed, name: a.fixedName ?? "" } : null;
  if (!a.at || !a.name) return null;
  const y = a.year ?? pickYear(a.at, c, "recent");
  if (y === undefined) return null;
  const w = a.at(y);
  return sane(w) ? { win: w, name: a.name(y) } : null;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

const L = String.raw`(?<![a-z0-9])`;
const R = String.raw`(?![a-z0-9])`;

const MONTH_SRC = String.raw`(?:january|february|march|april|may|june|july|august|september|october|november|december|(?:sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)(?:\.(?=\s))?)`;
const MONTH3 = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH_LABEL = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const FULL_MONTHS = new Set(MONTH_LABEL.map((m) => m.toLowerCase()));
const YEAR_SRC = String.raw`(?:(?:19|20)\d{2}|2100|'\d{2})`;
const YEAR4_SRC = String.raw`(?:(?:19|20)\d{2}|2100)`;
const SEASON_SRC = String.raw`(?:spring|summer|autumn|fall|winter)`;
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const NUM_SRC = String.raw`\d{1,5}|(?:a\s+)?couple\s+of|(?:a|one)\s+hundred|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|ten|one|two|three|four|five|six|seven|eight|nine|hundred`;

// The grammar's number words, plus the articles that count one ("a month ago").
const NUM_WORDS: Record<string, number> = { a: 1, an: 1, ...NUMBER_WORDS };

/** A year-ish group: an explicit year (`<n>`) or "this/last/next year" (`<n>r`). */
function yearx(n: string): string {
  return String.raw`(?:(?<${n}>${YEAR_SRC})|(?<${n}r>this|last|next|previous)\s+year)`;
}

function parseNum(t: string): number | undefined {
  const s = t.trim().replace(/\s+/g, " ");
  if (/^\d+$/.test(s)) return Number(s);
  if (s.includes("couple")) return 2;
  if (/^(?:a |one )?hundred$/.test(s)) return 100;
  let total = 0;
  for (const part of s.split(/[-\s]/)) {
    const v = NUM_WORDS[part];
    if (v === undefined) return undefined;
    total += v;
  }
  return total;
}

function expandTwoDigit(yy: number): number {
  return yy < 70 ? 2000 + yy : 1900 + yy;
}

function parseYearToken(tok: string): number {
  const digits = tok.replace(/^'/, "");
  return digits.length <= 2 ? expandTwoDigit(Number(digits)) : Number(digits);
}

function groupYear(
  g: Record<string, string | undefined>,
  n: string,
  c: Ctx,
): { year?: number; explicit: boolean } {
  const tok = g[n];
  if (tok !== undefined) return { year: parseYearToken(tok), explicit: true };
  const rel = g[`${n}r`];
  if (rel === "this") return { year: c.asOfY, explicit: false };
  if (rel === "last" || rel === "previous") return { year: c.asOfY - 1, explicit: false };
  if (rel === "next") return { year: c.asOfY + 1, explicit: false };
  return { explicit: false };
}

function monthNo(word: string): number {
  return MONTH3.indexOf(word.slice(0, 3)) + 1;
}

/** Nouns that make a holiday or season word a merchandise category ("christmas decorations"). */
const CATEGORY_WORDS = [
  "products?",
  "items?",
  "goods",
  "gifts?",
  "presents?",
  "decorations?",
  "decor",
  "cards?",
  "merchandise",
  "merch",
  "stock",
  "ranges?",
  "lines?",
  "collections?",
  "categor(?:y|ies)",
  "sets?",
  "ornaments?",
  "lights?",
  "baubles?",
  "trees?",
  "crackers?",
  "stockings?",
  "wrapping",
  "wrap",
  "paper",
  "eggs?",
  "costumes?",
  "sweets",
  "chocolates?",
  "cand(?:y|ies)",
  "hampers?",
  "themed",
  "related",
  "inspired",
  "style",
  "jumpers?",
  "sweaters?",
  "bags?",
  "boxes",
  "box",
  "tableware",
  "napkins?",
  "candles?",
  "mugs?",
  "baskets?",
  "bunting",
  "signs?",
  "toys?",
  "treats?",
  "skus?",
  "stuff",
  "things",
  "designs?",
  "prints?",
  "clothing",
  "clothes",
  "dress(?:es)?",
  "wear",
  "shoes",
  "hats?",
  "ideas?",
  "food",
  "puddings?",
  "cakes?",
];
const CATEGORY_AFTER_RE = new RegExp(
  String.raw`^(?:\s*-\s*|\s+)(?:${CATEGORY_WORDS.join("|")})${R}`,
);

/** Words after a number that make it a count or amount, not a year ("2000 units"). */
const COUNT_NOUNS = new Set(
  (
    "orders order units unit items item products product customers customer times purchases " +
    "purchase transactions transaction invoices invoice pounds pound gbp usd eur euros euro dollars " +
    "dollar quid points point visits visit sessions session skus sku lines line pieces pcs quantity " +
    "qty stores store shops shop people users user accounts records rows baskets basket lbs kg " +
    "miles km percent per distinct different unique more plus spend revenue sales"
  ).split(" "),
);

/** Words before a number that make it a quantity ("at least 2000", "more than 2011", "top 2000"). */
const COMPARISON_WORDS = new Set(
  (
    "than least most over under above below exceeding exceed exceeds exceeded top bottom exactly " +
    "about around approximately approx roughly nearly almost circa up max min maximum minimum total " +
    "totalling totaling spent spend spends spending worth value valued revenue sum more fewer less " +
    "greater higher lower equal equals equalling no number id code sku order invoice customer " +
    "product item stock stockcode postcode zip page rank first last next past previous only just " +
    "another extra additional some all every each per within bought buy buys purchased ordered to"
  ).split(" "),
);

/** Nouns before "of" that make "of 2000" an amount ("a total of 2000"). */
const QUANTITY_BEFORE_OF = new Set(
  (
    "total sum value minimum maximum max min average avg spend amount excess basket budget " +
    "threshold limit cap revenue price cost margin score count number quantity balance worth " +
    "upwards multiple lot lots batch"
  ).split(" "),
);

// ---------------------------------------------------------------------------------------------
// Recurring-window builders
// ---------------------------------------------------------------------------------------------

function dayAt(m: number, d: number): (y: number) => Win | null {
  return (y) => (d >= 1 && d <= daysInMonth(y, m) ? oneDay(dayOf(y, m, d)) : null);
}

function dayName(m: number, d: number): (y: number) => string {
  return (y) => `${d} ${MONTH_LABEL[m - 1] ?? ""} ${y}`;
}

type MonthPart = "early" | "mid" | "late";

function monthAt(m: number, part?: MonthPart): (y: number) => Win {
  return (y) => {
    const from = dayOf(y, m, 1);
    const to = dayOf(y, m + 1, 1);
    // Thirds of the month; "late" runs to month end so it covers 28..31-day months alike.
    if (part === "early") return { from, to: from + 10 };
    if (part === "mid") return { from: from + 10, to: from + 20 };
    if (part === "late") return { from: from + 20, to };
    return { from, to };
  };
}

function monthName(m: number, part?: MonthPart): (y: number) => string {
  return (y) => `${part ? `${part} ` : ""}${MONTH_LABEL[m - 1] ?? ""} ${y}`;
}

/** Quarter (len 3) or half (len 6) number n of calendar year y. */
function periodAt(n: number, len: number): (y: number) => Win {
  return (y) => ({
    from: dayOf(y, len * (n - 1) + 1, 1),
    to: dayOf(y, len * n + 1, 1),
  });
}

type Season = "spring" | "summer" | "autumn" | "winter";

function seasonOf(word: string): Season {
  return word === "fall" ? "autumn" : (word as Season);
}

const SEASON_START: Record<Season, number> = { spring: 3, summer: 6, autumn: 9, winter: 12 };

/** Meteorological seasons; winter Y is Dec Y – Feb Y+1 (see header). */
function seasonAt(season: Season): (y: number) => Win {
  return (y) => {
    const m = SEASON_START[season];
    return { from: dayOf(y, m, 1), to: dayOf(y, m + 3, 1) };
  };
}

function seasonName(season: Season): (y: number) => string {
  return (y) =>
    season === "winter"
      ? `winter ${y}/${String((y + 1) % 100).padStart(2, "0")}`
      : `${season} ${y}`;
}

/** Fiscal year labelled by the calendar year it ends in (calendar year when it starts in January). */
function fiscalYearWin(label: number, fsm: number): Win {
  if (fsm === 1) return { from: dayOf(label, 1, 1), to: dayOf(label + 1, 1, 1) };
  return { from: dayOf(label - 1, fsm, 1), to: dayOf(label, fsm, 1) };
}

function fiscalLabelOf(day: Day, fsm: number): number {
  const { y, m } = partsOf(day);
  if (fsm === 1) return y;
  return m >= fsm ? y + 1 : y;
}

function fiscalPeriodAt(n: number, len: number, fsm: number): (y: number) => Win {
  return (label) => {
    const from = addMonths(fiscalYearWin(label, fsm).from, len * (n - 1));
    return { from, to: addMonths(from, len) };
  };
}

// ---------------------------------------------------------------------------------------------
// Holidays and retail periods
// ---------------------------------------------------------------------------------------------

interface HolidayDef {
  src: string;
  label: string;
  kind: "holiday" | "season";
  /** Bare-mention strength (a year or last/this/next always makes it strong). */
  strength: Strength;
  /** Reject "the new year" style readings that are not the holiday. */
  noArticle?: boolean;
  /** Only with an article: "over the holidays", never "bank holidays". */
  needsArticle?: boolean;
  win: (y: number, region: Region) => Win;
}

const thanksgivingDay = (y: number): Day => nthWeekday(y, 11, 4, 4);
const fixedDay =
  (m: number, d: number) =>
  (y: number): Win =>
    oneDay(dayOf(y, m, d));

// Ordered so that longer names win inside the alternation (e.g. "christmas eve" before "christmas").
const HOLIDAYS: HolidayDef[] = [
  {
    src: String.raw`black\s+friday\s+weekend`,
    label: "Black Friday weekend",
    kind: "holiday",
    strength: "strong",
    win: (y) => ({ from: thanksgivingDay(y) + 1, to: thanksgivingDay(y) + 5 }),
  },
  {
    src: String.raw`thanksgiving\s+weekend`,
    label: "Thanksgiving weekend",
    kind: "holiday",
    strength: "strong",
    win: (y) => ({ from: thanksgivingDay(y), to: thanksgivingDay(y) + 4 }),
  },
  {
    src: String.raw`black\s+friday`,
    label: "Black Friday",
    kind: "holiday",
    strength: "soft",
    win: (y) => oneDay(thanksgivingDay(y) + 1),
  },
  {
    src: String.raw`cyber\s+monday`,
    label: "Cyber Monday",
    kind: "holiday",
    strength: "soft",
    win: (y) => oneDay(thanksgivingDay(y) + 4),
  },
  {
    src: String.raw`thanksgiving\s+day`,
    label: "Thanksgiving",
    kind: "holiday",
    strength: "soft",
    win: (y) => oneDay(thanksgivingDay(y)),
  },
  {
    src: String.raw`thanksgiving`,
    label: "Thanksgiving",
    kind: "holiday",
    strength: "weak",
    win: (y) => oneDay(thanksgivingDay(y)),
  },
  {
    src: String.raw`(?:christmas|xmas|x-mas)\s+eve`,
    label: "Christmas Eve",
    kind: "holiday",
    strength: "soft",
    win: fixedDay(12, 24),
  },
  {
    src: String.raw`(?:christmas|xmas|x-mas)\s+day`,
    label: "Christmas Day",
    kind: "holiday",
    strength: "soft",
    win: fixedDay(12, 25),
  },
  {
    src: String.raw`(?:christmas|xmas|x-mas|festive|holiday)\s+(?:season|period|holidays?|break)`,
    label: "holiday season",
    kind: "season",
    strength: "strong",
    win: (y) => ({ from: dayOf(y, 11, 1), to: dayOf(y + 1, 1, 1) }),
  },
  {
    src: String.raw`holidays`,
    label: "holiday season",
    kind: "season",
    strength: "weak",
    needsArticle: true,
    win: (y) => ({ from: dayOf(y, 11, 1), to: dayOf(y + 1, 1, 1) }),
  },
  {
    src: String.raw`(?:run|lead|build)[-\s]?up\s+to\s+(?:christmas|xmas|x-mas)`,
    label: "run-up to Christmas",
    kind: "season",
    strength: "strong",
    win: (y) => ({ from: dayOf(y, 12, 1), to: dayOf(y, 12, 25) }),
  },
  {
    src: String.raw`christmas|xmas|x-mas`,
    label: "Christmas",
    kind: "holiday",
    strength: "weak",
    win: fixedDay(12, 25),
  },
  {
    src: String.raw`boxing\s+day`,
    label: "Boxing Day",
    kind: "holiday",
    strength: "soft",
    win: fixedDay(12, 26),
  },
  {
    src: String.raw`new\s+year'?s'?\s+eve`,
    label: "New Year's Eve",
    kind: "holiday",
    strength: "soft",
    win: fixedDay(12, 31),
  },
  {
    src: String.raw`new\s+year'?s'?\s+day`,
    label: "New Year's Day",
    kind: "holiday",
    strength: "soft",
    win: fixedDay(1, 1),
  },
  {
    src: String.raw`new\s+year'?s?'?`,
    label: "New Year's Day",
    kind: "holiday",
    strength: "weak",
    noArticle: true,
    win: fixedDay(1, 1),
  },
  {
    src: String.raw`(?:st\.?\s+|saint\s+)?valentine'?s'?\s+day`,
    label: "Valentine's Day",
    kind: "holiday",
    strength: "soft",
    win: fixedDay(2, 14),
  },
  {
    src: String.raw`valentine'?s'?`,
    label: "Valentine's Day",
    kind: "holiday",
    strength: "weak",
    win: fixedDay(2, 14),
  },
  {
    src: String.raw`(?:st\.?|saint)\s+patrick'?s'?(?:\s+day)?|paddy'?s\s+day`,
    label: "St Patrick's Day",
    kind: "holiday",
    strength: "soft",
    win: fixedDay(3, 17),
  },
  {
    src: String.raw`easter\s+(?:weekend|period|holidays?|break)`,
    label: "Easter weekend",
    kind: "holiday",
    strength: "strong",
    win: (y) => ({ from: easterDay(y) - 2, to: easterDay(y) + 2 }),
  },
  {
    src: String.raw`easter\s+(?:sunday|day)`,
    label: "Easter Sunday",
    kind: "holiday",
    strength: "soft",
    win: (y) => oneDay(easterDay(y)),
  },
  {
    src: String.raw`easter\s+monday`,
    label: "Easter Monday",
    kind: "holiday",
    strength: "soft",
    win: (y) => oneDay(easterDay(y) + 1),
  },
  {
    src: String.raw`good\s+friday`,
    label: "Good Friday",
    kind: "holiday",
    strength: "soft",
    win: (y) => oneDay(easterDay(y) - 2),
  },
  {
    src: String.raw`easter`,
    label: "Easter",
    kind: "holiday",
    strength: "weak",
    win: (y) => oneDay(easterDay(y)),
  },
  {
    src: String.raw`mothering\s+sunday`,
    label: "Mothering Sunday",
    kind: "holiday",
    strength: "soft",
    win: (y) => oneDay(easterDay(y) - 21),
  },
  {
    src: String.raw`mother'?s'?\s+day`,
    label: "Mother's Day",
    kind: "holiday",
    strength: "soft",
    // GB Mothering Sunday is the 4th Sunday of Lent (Easter − 21 days); US is the 2nd Sunday of May.
    win: (y, region) => oneDay(region === "US" ? nthWeekday(y, 5, 0, 2) : easterDay(y) - 21),
  },
  {
    src: String.raw`father'?s'?\s+day`,
    label: "Father's Day",
    kind: "holiday",
    strength: "soft",
    win: (y) => oneDay(nthWeekday(y, 6, 0, 3)),
  },
  {
    src: String.raw`hallowe'?en`,
    label: "Halloween",
    kind: "holiday",
    strength: "weak",
    win: fixedDay(10, 31),
  },
  {
    src: String.raw`bonfire\s+night|guy\s+fawkes'?\s+(?:night|day)`,
    label: "Bonfire Night",
    kind: "holiday",
    strength: "soft",
    win: fixedDay(11, 5),
  },
  {
    src: String.raw`guy\s+fawkes`,
    label: "Bonfire Night",
    kind: "holiday",
    strength: "weak",
    win: fixedDay(11, 5),
  },
  {
    src: String.raw`independence\s+day|fourth\s+of\s+july`,
    label: "Independence Day",
    kind: "holiday",
    strength: "soft",
    win: fixedDay(7, 4),
  },
  {
    src: String.raw`memorial\s+day`,
    label: "Memorial Day",
    kind: "holiday",
    strength: "soft",
    win: (y) => oneDay(nthWeekday(y, 5, 1, -1)),
  },
  {
    src: String.raw`labou?r\s+day`,
    label: "Labor Day",
    kind: "holiday",
    strength: "soft",
    win: (y) => oneDay(nthWeekday(y, 9, 1, 1)),
  },
  {
    src: String.raw`jan(?:uary)?\s+sales?`,
    label: "January sales",
    kind: "season",
    strength: "strong",
    // Labelled by the January: the 2011 sales run 26 Dec 2010 – 31 Jan 2011.
    win: (y) => ({ from: dayOf(y - 1, 12, 26), to: dayOf(y, 2, 1) }),
  },
  {
    src: String.raw`back[-\s]to[-\s]school\s+(?:season|period|time)`,
    label: "back to school",
    kind: "season",
    strength: "strong",
    win: (y) => ({ from: dayOf(y, 8, 1), to: dayOf(y, 9, 16) }),
  },
  {
    src: String.raw`back[-\s]to[-\s]school`,
    label: "back to school",
    kind: "season",
    strength: "weak",
    win: (y) => ({ from: dayOf(y, 8, 1), to: dayOf(y, 9, 16) }),
  },
];

const HOLIDAY_RE = new RegExp(
  String.raw`${L}(?:(?<mod>last|this|next|previous)\s+)?(?<the>the\s+)?(?:(?<y0>${YEAR4_SRC})\s+)?(?:${HOLIDAYS.map(
    (h, i) => `(?<h${i}>${h.src})`,
  ).join("|")})(?:(?:\s+of|,)?\s+${yearx("y1")})?${R}`,
  "g",
);

// ---------------------------------------------------------------------------------------------
// Rules (layer 1)
// ---------------------------------------------------------------------------------------------

interface Rule {
  /** Cheap test that must pass before the (costlier) rule regex runs. */
  hint: RegExp;
  re: RegExp;
  make: (g: Record<string, string | undefined>, c: Ctx, s: string, end: number) => AtomInit | null;
}

const HINT_MONTH = /jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec/;
const HINT_DIGIT = /\d/;

function fixedAtom(kind: AtomKind, win: Win, name: string, conf: number): AtomInit {
  return { kind, strength: "strong", conf, fixed: win, fixedName: name };
}

function recurring(
  kind: AtomKind,
  at: (y: number) => Win | null,
  name: (y: number) => string,
  year: number | undefined,
  strength: Strength,
  conf: number,
  extra: Partial<AtomInit> = {},
): AtomInit {
  return { kind, at, name, year, strength, conf, ...extra };
}

function nextWord(s: string, end: number): string | undefined {
  return /^\s*([a-z]+)/.exec(s.slice(end, end + 30))?.[1];
}

/** "5/3/2011": day-first in GB, month-first in US, unless one part can only be a day. */
function numericDayMonth(a: number, b: number, region: Region): [number, number, boolean] {
  if (a > 12 && b <= 12) return [a, b, true];
  if (b > 12 && a <= 12) return [b, a, true];
  return region === "US" ? [b, a, a === b] : [a, b, a === b];
}

const RULES: Rule[] = [
  // 2011-03-05, 2011/03/05
  {
    hint: HINT_DIGIT,
    re: /(?<![\d./-])(?<y>\d{4})(?<sep>[-/.])(?<m>\d{1,2})\k<sep>(?<d>\d{1,2})(?!\d|[-/.]\d)/g,
    make: (g) => {
      const y = Number(g.y);
      const m = Number(g.m);
      const d = Number(g.d);
      if (m < 1 || m > 12 || y < 1000) return null;
      return recurring("calendar", dayAt(m, d), dayName(m, d), y, "strong", 1, { dayLevel: true });
    },
  },
  // 05/03/2011, 5-3-11, 05.03.2011
  {
    hint: HINT_DIGIT,
    re: /(?<![\d./-])(?<a>\d{1,2})(?<sep>[-/.])(?<b>\d{1,2})\k<sep>(?<y>\d{4}|\d{2})(?!\d|[-/.]\d)/g,
    make: (g, c) => {
      if (g.sep === "." && (g.y ?? "").length !== 4) return null;
      const [d, m, sure] = numericDayMonth(Number(g.a), Number(g.b), c.region);
      if (m < 1 || m > 12) return null;
      const y = parseYearToken(g.y ?? "");
      return recurring("calendar", dayAt(m, d), dayName(m, d), y, "strong", sure ? 1 : 0.85, {
        dayLevel: true,
      });
    },
  },
  // 5 March 2011, 5th of March, the 5th of march '11, 5-mar-2011
  {
    hint: HINT_MONTH,
    re: new RegExp(
      String.raw`(?<![a-z0-9£$€.,/-])(?:the\s+)?(?<d>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?[\s-]+(?<mon>${MONTH_SRC})(?:(?:,\s*|[\s-]+)${yearx("y")})?${R}`,
      "g",
    ),
    make: (g, c) => {
      const m = monthNo(g.mon ?? "");
      const d = Number(g.d);
      if (d < 1 || d > 31) return null;
      const { year, explicit } = groupYear(g, "y", c);
      return dayOfMonthAtom(m, d, year, explicit);
    },
  },
  // March 5th, 2011; march 5 2011; march the 5th
  {
    hint: HINT_MONTH,
    re: new RegExp(
      String.raw`${L}(?<mon>${MONTH_SRC})\s+(?:the\s+)?(?<d>\d{1,2})(?<ord>st|nd|rd|th)?(?!\d|\s*(?:%|:|am${R}|pm${R}|[.,]\d))(?:(?:,\s*|\s+)${yearx("y")})?${R}`,
      "g",
    ),
    make: (g, c, s, end) => {
      const m = monthNo(g.mon ?? "");
      const d = Number(g.d);
      if (d < 1 || d > 31) return null;
      const { year, explicit } = groupYear(g, "y", c);
      // "may 3 orders": a bare number after a month is a count when a count noun follows.
      if (year === undefined && !g.ord && COUNT_NOUNS.has(nextWord(s, end) ?? "")) return null;
      return dayOfMonthAtom(m, d, year, explicit);
    },
  },
  // 5-10 March 2011, between 5 and 10 march
  {
    hint: HINT_MONTH,
    re: new RegExp(
      String.raw`(?<![a-z0-9£$€.,/-])(?<pre>(?:between|from)\s+)?(?:the\s+)?(?<d1>\d{1,2})(?:st|nd|rd|th)?\s*(?<conn>-|–|—|to|and|until|till|through|thru)\s*(?:the\s+)?(?<d2>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?[\s-]+(?<mon>${MONTH_SRC})(?:(?:,\s*|\s+)${yearx("y")})?${R}`,
      "g",
    ),
    make: (g, c) => dayRangeAtom(g, c),
  },
  // March 5-10, 2011
  {
    hint: HINT_MONTH,
    re: new RegExp(
      String.raw`${L}(?<pre>(?:between|from)\s+)?(?<mon>${MONTH_SRC})\s+(?:the\s+)?(?<d1>\d{1,2})(?:st|nd|rd|th)?\s*(?<conn>-|–|—|to|and|until|till|through|thru)\s*(?:the\s+)?(?<d2>\d{1,2})(?:st|nd|rd|th)?(?:(?:,\s*|\s+)${yearx("y")})?${R}`,
      "g",
    ),
    make: (g, c) => dayRangeAtom(g, c),
  },
  // October 2011, oct '11, mid-March 2011, march of 2011, may last year
  {
    hint: HINT_MONTH,
    re: new RegExp(
      String.raw`${L}(?:(?<part>early|mid|late)[-\s]+)?(?<mon>${MONTH_SRC})(?:\s+of)?(?:,\s*|[\s-]+)${yearx("y")}${R}`,
      "g",
    ),
    make: (g, c) => {
      const m = monthNo(g.mon ?? "");
      const part = g.part as MonthPart | undefined;
      const { year, explicit } = groupYear(g, "y", c);
      return recurring(
        "calendar",
        monthAt(m, part),
        monthName(m, part),
        year,
        "strong",
        explicit ? 1 : 0.95,
        {
          nameWord: true,
        },
      );
    },
  },
  // 10/2011
  {
    hint: /\d\/\d/,
    re: /(?<![\d/.-])(?<m>\d{1,2})\/(?<y>(?:19|20)\d{2})(?![\d/])/g,
    make: (g) => {
      const m = Number(g.m);
      if (m < 1 || m > 12) return null;
      return recurring("calendar", monthAt(m), monthName(m), Number(g.y), "strong", 0.9);
    },
  },
  // 2011-10 (ISO month; "2010-11" could also mean a year span, hence the lower confidence)
  {
    hint: /\d-\d/,
    re: /(?<![\d/.-])(?<y>(?:19|20)\d{2})-(?<m>\d{2})(?!\d|[-/]\d)/g,
    make: (g) => {
      const m = Number(g.m);
      if (m < 1 || m > 12) return null;
      return recurring("calendar", monthAt(m), monthName(m), Number(g.y), "strong", 0.7);
    },
  },
  // november, last march, early may
  {
    hint: HINT_MONTH,
    re: new RegExp(
      String.raw`${L}(?:(?<part>early|mid|late)[-\s]+|(?<mod>last|this|next|previous|coming)\s+)?(?<mon>${MONTH_SRC})${R}`,
      "g",
    ),
    make: (g, c) => {
      const word = g.mon ?? "";
      const m = monthNo(word);
      const part = g.part as MonthPart | undefined;
      const at = monthAt(m, part);
      const mode = modeOf(g.mod);
      if (mode) {
        const year = pickYear(at, c, mode);
        if (year === undefined) return null;
        return recurring("calendar", at, monthName(m, part), year, "strong", 0.9, {
          nameWord: true,
        });
      }
      // "may"/"march" are also verbs and abbreviations are also names/words: they need a cue.
      const ambiguous = word === "may" || word === "march" || !FULL_MONTHS.has(word);
      const strength: Strength = part ? "strong" : ambiguous ? "weak" : "soft";
      return recurring("calendar", at, monthName(m, part), undefined, strength, 0.8, {
        nameWord: true,
      });
    },
  },
  // bare 4-digit year: "in 2011", "since 2010"
  {
    hint: /\d{4}/,
    re: /(?<![a-z0-9£$€#.,'])(?<y>19[89]\d|20\d{2}|2100)(?![a-z0-9]|[.,]\d)/g,
    make: (g) => {
      const y = Number(g.y);
      return {
        kind: "calendar",
        strength: "weak",
        conf: 1,
        fixed: { from: dayOf(y, 1, 1), to: dayOf(y + 1, 1, 1) },
        fixedName: String(y),
        numericYear: true,
      };
    },
  },
  // the year 2011, calendar year 2011, cy2011
  {
    hint: /year|cy/,
    re: new RegExp(
      String.raw`${L}(?:(?:the\s+)?(?:(?:calendar|cal)\s+)?year\s+(?<y>${YEAR4_SRC})|cy\s?(?<y2>${YEAR4_SRC})|(?:the\s+)?(?<y3>${YEAR4_SRC})\s+calendar\s+year)${R}`,
      "g",
    ),
    make: (g) => {
      const y = Number(g.y ?? g.y2 ?? g.y3);
      return fixedAtom("calendar", { from: dayOf(y, 1, 1), to: dayOf(y + 1, 1, 1) }, String(y), 1);
    },
  },
  // Q1 2011, q1 '11, Q4, q3 of 2011, q2 last year, H1 2011
  {
    hint: /[qh][1-4]/,
    re: new RegExp(
      String.raw`${L}(?:the\s+)?(?<u>q|h)(?<n>[1-4])(?:(?:\s+of\s+|\s*[-/,]\s*|\s*)${yearx("y")})?${R}`,
      "g",
    ),
    make: (g, c) => quarterAtom(g.u === "h" ? 6 : 3, Number(g.n), groupYear(g, "y", c), "strong"),
  },
  // 2011 Q1, 2011-q1, 2011h2
  {
    hint: /\d\s*[-/]?\s*[qh][1-4]/,
    re: new RegExp(String.raw`${L}(?<y>${YEAR4_SRC})\s*[-/]?\s*(?<u>q|h)(?<n>[1-4])${R}`, "g"),
    make: (g) =>
      quarterAtom(
        g.u === "h" ? 6 : 3,
        Number(g.n),
        { year: Number(g.y), explicit: true },
        "strong",
      ),
  },
  // the first quarter of 2011, 4th quarter 2011, the second half of last year
  {
    hint: /quarter|half/,
    re: new RegExp(
      String.raw`${L}(?:the\s+)?(?<ord>first|second|third|fourth|final|1st|2nd|3rd|4th)\s+(?<u>quarter|half)(?<oty>\s+of\s+the\s+year|(?:\s+of|,)?\s+${yearx("y")})?${R}`,
      "g",
    ),
    make: (g, c) => {
      const len = g.u === "half" ? 6 : 3;
      const n = ordinalOf(g.ord ?? "", len);
      // "first half" with no year could be anything (a match, a list); it needs a cue.
      const strength: Strength = g.oty || len === 3 ? "strong" : "weak";
      return quarterAtom(len, n, groupYear(g, "y", c), strength);
    },
  },
  // spring 2011, the summer of 2011, winter 2010/11, autumn last year, the 2011 summer
  {
    hint: /spring|summer|autumn|fall|winter/,
    re: new RegExp(
      String.raw`${L}(?:the\s+)?(?:(?<s>${SEASON_SRC})(?:\s+of|,)?\s+(?:(?<y>${YEAR4_SRC})(?:\s*[/-]\s*'?(?<y2>\d{4}|\d{2}))?|(?<ya>'\d{2})|(?<yr>this|last|next|previous)\s+year)|(?<y0>${YEAR4_SRC})\s+(?<s0>${SEASON_SRC}))${R}`,
      "g",
    ),
    make: (g, c, s, end) => {
      if (CATEGORY_AFTER_RE.test(s.slice(end, end + 40))) return null;
      const season = seasonOf(g.s ?? g.s0 ?? "");
      const tok = g.y ?? g.ya ?? g.y0;
      const { year } = tok !== undefined ? { year: parseYearToken(tok) } : groupYear(g, "y", c);
      if (year === undefined) return null;
      return recurring("season", seasonAt(season), seasonName(season), year, "strong", 0.95, {
        nameWord: true,
      });
    },
  },
  // in the summer, last winter, this spring
  {
    hint: /spring|summer|autumn|fall|winter/,
    re: new RegExp(
      String.raw`${L}(?:(?<mod>last|this|next|previous|coming)\s+|the\s+)?(?<s>${SEASON_SRC})${R}`,
      "g",
    ),
    make: (g, c, s, end) => {
      if (CATEGORY_AFTER_RE.test(s.slice(end, end + 40))) return null;
      const season = seasonOf(g.s ?? "");
      const at = seasonAt(season);
      const mode = modeOf(g.mod);
      if (mode) {
        const year = pickYear(at, c, mode);
        return year === undefined
          ? null
          : recurring("season", at, seasonName(season), year, "strong", 0.9, { nameWord: true });
      }
      return recurring("season", at, seasonName(season), undefined, "weak", 0.8, {
        nameWord: true,
      });
    },
  },
  // holidays and retail periods
  {
    hint: /christmas|xmas|x-mas|boxing|new year|valentine|patrick|paddy|easter|good friday|mother|father|hallowe|bonfire|fawkes|thanksgiving|black friday|cyber|independence|of july|memorial|labou?r day|holiday|festive|up to|sale|school/,
    re: HOLIDAY_RE,
    make: (g, c, s, end) => holidayAtom(g, c, s, end),
  },
  // FY2011, fiscal 2011, fiscal year 2010/11, FY11, the 2011 fiscal year
  {
    hint: /fy|fiscal|financial/,
    re: new RegExp(
      String.raw`${L}(?:the\s+)?(?:${fyl("")}|(?<y0>${YEAR4_SRC})\s+(?:fiscal|financial)\s+year)${R}`,
      "g",
    ),
    make: (g, c) => {
      const label = g.y0 !== undefined ? Number(g.y0) : fiscalLabel(g, "");
      if (label === undefined) return null;
      return recurring(
        "fiscal",
        (y) => fiscalYearWin(y, c.fsm),
        (y) => `FY${y}`,
        label,
        "strong",
        1,
      );
    },
  },
  // fiscal Q1 2011, FQ1 2011, fiscal q2, fiscal h1 fy2011
  {
    hint: /fiscal|fq|fh/,
    re: new RegExp(
      String.raw`${L}(?:the\s+)?(?:fiscal\s+|f)(?<u>q|h)(?<n>[1-4])(?:(?:\s+of|,)?\s+(?:${fyl("")}|(?<y>${YEAR_SRC})))?${R}`,
      "g",
    ),
    make: (g, c) => {
      const label = g.y !== undefined ? parseYearToken(g.y) : fiscalLabel(g, "");
      if (g.fa !== undefined && label === undefined) return null;
      return fiscalPeriodAtom(g.u === "h" ? 6 : 3, Number(g.n), label, c);
    },
  },
  // Q1 FY2011, q1 of fy11, q3 fiscal 2011, fy2011 q1
  {
    hint: /fy|fiscal|financial/,
    re: new RegExp(
      String.raw`${L}(?:(?<u>q|h)(?<n>[1-4])(?:\s+of|,|\s*[-/])?\s*${fyl("")}|${fyl("b")}\s*[-/,]?\s*(?<ub>q|h)(?<nb>[1-4]))${R}`,
      "g",
    ),
    make: (g, c) => {
      const b = g.ub !== undefined;
      const label = fiscalLabel(g, b ? "b" : "");
      if (label === undefined) return null;
      const len = (b ? g.ub : g.u) === "h" ? 6 : 3;
      return fiscalPeriodAtom(len, Number(b ? g.nb : g.n), label, c);
    },
  },
  // the first fiscal quarter of 2011, the second quarter of fy2011
  {
    hint: /fiscal|financial|fy/,
    re: new RegExp(
      String.raw`${L}(?:the\s+)?(?<ord>first|second|third|fourth|final|1st|2nd|3rd|4th)\s+(?:fiscal\s+(?<u>quarter|half)(?:(?:\s+of|,)?\s+(?:${fyl("")}|(?<y>${YEAR_SRC})))?|(?<ub>quarter|half)\s+of\s+(?:the\s+)?${fyl("b")})${R}`,
      "g",
    ),
    make: (g, c) => {
      const b = g.ub !== undefined;
      const len = (b ? g.ub : g.u) === "half" ? 6 : 3;
      const n = ordinalOf(g.ord ?? "", len);
      const label = b
        ? fiscalLabel(g, "b")
        : g.y !== undefined
          ? parseYearToken(g.y)
          : fiscalLabel(g, "");
      if ((b || g.fa !== undefined) && label === undefined) return null;
      return fiscalPeriodAtom(len, n, label, c);
    },
  },
  // last fiscal year, this fiscal quarter, fiscal year to date
  {
    hint: /fiscal|financial|fytd/,
    re: new RegExp(
      String.raw`${L}(?:(?:the\s+)?(?<mod>last|this|next|previous|prior|current)\s+(?:fiscal|financial)\s+(?<u>year|quarter|half)|(?<td>(?:fiscal|financial)\s+year[-\s]to[-\s]date|fytd))${R}`,
      "g",
    ),
    make: (g, c) => {
      const label = fiscalLabelOf(c.asOf, c.fsm);
      const fy = fiscalYearWin(label, c.fsm);
      if (g.td) return fixedAtom("fiscal", { from: fy.from, to: c.asOf }, `FY${label} to date`, 1);
      const mode = modeOf(g.mod);
      const step = mode === "last" ? -1 : mode === "next" ? 1 : 0;
      if (g.u === "year") {
        return recurring(
          "fiscal",
          (y) => fiscalYearWin(y, c.fsm),
          (y) => `FY${y}`,
          label + step,
          "strong",
          0.95,
        );
      }
      const len = g.u === "half" ? 6 : 3;
      const idx = Math.floor(monthsBetween(fy.from, c.asOf) / len) + step;
      const from = addMonths(fy.from, len * idx);
      const periodLabel = fiscalLabelOf(from, c.fsm);
      const n = Math.floor(monthsBetween(fiscalYearWin(periodLabel, c.fsm).from, from) / len) + 1;
      return fixedAtom(
        "fiscal",
        { from, to: addMonths(from, len) },
        `FY${periodLabel} ${len === 6 ? "H" : "Q"}${n}`,
        0.95,
      );
    },
  },
  // last 90 days, the past two weeks, previous month, next 30 days, the last 3 full months
  {
    hint: /last|past|previous|prior|preceding|trailing|next|coming/,
    re: new RegExp(
      String.raw`${L}(?<the>the\s+)?(?<w>last|past|previous|prior|preceding|trailing|next|coming)\s+(?:(?<n>${NUM_SRC})\s+)?(?:(?<full>full|complete|whole|calendar|entire)\s+)?(?<u>days?|weeks?|wks?|months?|mos?|quarters?|qtrs?|years?|yrs?)${R}`,
      "g",
    ),
    make: (g, c) => relativeAtom(g, c),
  },
  // 3 months ago, a year ago
  {
    hint: /ago/,
    re: new RegExp(
      String.raw`${L}(?<n>${NUM_SRC}|a|an)\s+(?<u>days?|weeks?|months?|years?)\s+ago${R}`,
      "g",
    ),
    make: (g, c) => {
      const n = parseNum(g.n ?? "");
      const unit = unitOf(g.u ?? "");
      if (n === undefined || !unit || n > 36500) return null;
      const d = shift(c.asOf, unit, -n);
      return fixedAtom("relative", oneDay(d), `${n} ${unit}${n === 1 ? "" : "s"} ago`, 0.9);
    },
  },
  // between 8 and 16 weeks ago, 3 to 6 months ago, 60-120 days ago: both days included
  {
    hint: /ago/,
    re: new RegExp(
      String.raw`${L}(?:(?:between|from)\s+)?(?<n1>${NUM_SRC})\s*(?:-|–|to|and)\s*(?<n2>${NUM_SRC})\s+(?<u>days?|weeks?|months?|years?)\s+ago${R}`,
      "g",
    ),
    make: (g, c) => {
      const a = parseNum(g.n1 ?? "");
      const b = parseNum(g.n2 ?? "");
      const unit = unitOf(g.u ?? "");
      if (a === undefined || b === undefined || !unit || Math.max(a, b) > 36500) return null;
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const win = { from: shift(c.asOf, unit, -hi), to: shift(c.asOf, unit, -lo) + 1 };
      return fixedAtom("range", win, `${lo} to ${hi} ${unit}s ago`, 0.95);
    },
  },
  // "haven't ordered in 60 days", "within 90 days": looking back from the as-of date
  {
    hint: /\b(?:in|within)\s/,
    re: new RegExp(
      String.raw`${L}(?:in|within)\s+(?<n>${NUM_SRC})\s+(?<u>days|weeks|months|years)(?!\s+(?:of|from|after|before|ago|time)${R})${R}`,
      "g",
    ),
    make: (g, c) => {
      const n = parseNum(g.n ?? "");
      const unit = unitOf(g.u ?? "");
      if (n === undefined || n < 2 || !unit || n > MAX_UNITS[unit]) return null;
      const win = { from: shift(c.asOf, unit, -n), to: c.asOf };
      return fixedAtom("relative", win, `last ${n} ${unit}s`, 0.9);
    },
  },
  // today, yesterday, this month, the current quarter, year to date, ytd
  {
    hint: /today|yesterday|this|current|to[-\s]date|ytd|mtd|qtd/,
    re: new RegExp(
      String.raw`${L}(?:(?<today>today)|(?<dby>the\s+day\s+before\s+yesterday)|(?<yday>yesterday)|(?:the\s+)?(?:this|current)\s+(?<cu>week|month|quarter|year)|(?<td>year|month|quarter|week)[-\s]to[-\s]date|(?<tda>ytd|mtd|qtd))${R}`,
      "g",
    ),
    make: (g, c) => {
      if (g.today) return fixedAtom("relative", oneDay(c.asOf), "today", 0.95);
      if (g.yday) return fixedAtom("relative", oneDay(c.asOf - 1), "yesterday", 0.95);
      if (g.dby) return fixedAtom("relative", oneDay(c.asOf - 2), "day before yesterday", 0.95);
      if (g.cu) {
        const unit = unitOf(g.cu);
        if (!unit) return null;
        const from = periodStart(c.asOf, unit);
        return fixedAtom(
          "relative",
          { from, to: shift(from, unit, 1) },
          periodName(from, unit),
          0.95,
        );
      }
      const word = g.td ?? ({ ytd: "year", mtd: "month", qtd: "quarter" } as const)[g.tda as "ytd"];
      const unit = unitOf(word ?? "");
      if (!unit) return null;
      return fixedAtom(
        "relative",
        { from: periodStart(c.asOf, unit), to: c.asOf },
        `${unit} to date`,
        1,
      );
    },
  },
  // last friday, this monday
  {
    hint: /day/,
    re: new RegExp(
      String.raw`${L}(?<w>last|previous|this)\s+(?<d>monday|tuesday|wednesday|thursday|friday|saturday|sunday)${R}`,
      "g",
    ),
    make: (g, c) => {
      const wd = WEEKDAYS.indexOf(g.d ?? "");
      if (wd < 0) return null;
      const d =
        g.w === "this"
          ? mondayOf(c.asOf) + ((wd + 6) % 7)
          : c.asOf - ((weekdayOf(c.asOf) - wd + 7) % 7 || 7);
      const name = `${(g.d ?? "").replace(/^./, (ch) => ch.toUpperCase())} ${iso(d)}`;
      return fixedAtom("relative", oneDay(d), name, 0.9);
    },
  },
];

function fyl(suffix: string): string {
  return String.raw`(?<fp${suffix}>fy|fiscal(?:\s+year)?|financial\s+year)\s*(?<fa${suffix}>'?(?:(?:19|20)\d{2}|\d{2}))(?:\s*[/-]\s*(?<fb${suffix}>'?(?:(?:19|20)\d{2}|\d{2})))?`;
}

/** Fiscal label from an FY group: "fy2010/11" ends in 2011; two digits only after "fy" or "'". */
function fiscalLabel(g: Record<string, string | undefined>, suffix: string): number | undefined {
  const fa = g[`fa${suffix}`];
  if (fa === undefined) return undefined;
  const prefix = g[`fp${suffix}`] ?? "";
  const fb = g[`fb${suffix}`];
  const twoDigit = (t: string): boolean => t.replace(/^'/, "").length === 2;
  if (prefix !== "fy" && twoDigit(fa) && !fa.startsWith("'")) return undefined;
  return parseYearToken(fb ?? fa);
}

function ordinalOf(word: string, len: number): number {
  if (word === "final") return 12 / len;
  const i = ["first", "second", "third", "fourth"].indexOf(word);
  return i >= 0 ? i + 1 : Number(word.charAt(0));
}

function quarterAtom(
  len: number,
  n: number,
  y: { year?: number; explicit: boolean },
  strength: Strength,
): AtomInit | null {
  if (n < 1 || n > 12 / len) return null;
  const letter = len === 6 ? "H" : "Q";
  const conf = y.year === undefined ? 0.8 : y.explicit ? 1 : 0.95;
  return recurring(
    "calendar",
    periodAt(n, len),
    (yy) => `${letter}${n} ${yy}`,
    y.year,
    strength,
    conf,
  );
}

function fiscalPeriodAtom(
  len: number,
  n: number,
  label: number | undefined,
  c: Ctx,
): AtomInit | null {
  if (n < 1 || n > 12 / len) return null;
  const letter = len === 6 ? "H" : "Q";
  return recurring(
    "fiscal",
    fiscalPeriodAt(n, len, c.fsm),
    (y) => `FY${y} ${letter}${n}`,
    label,
    "strong",
    label === undefined ? 0.8 : 1,
  );
}

function monthsBetween(a: Day, b: Day): number {
  const pa = partsOf(a);
  const pb = partsOf(b);
  return (pb.y - pa.y) * 12 + (pb.m - pa.m);
}

function dayRangeAtom(g: Record<string, string | undefined>, c: Ctx): AtomInit | null {
  if (g.conn === "and" && !/between/.test(g.pre ?? "")) return null;
  const m = monthNo(g.mon ?? "");
  const d1 = Number(g.d1);
  const d2 = Number(g.d2);
  if (d1 < 1 || d2 > 31 || d1 >= d2) return null;
  const { year, explicit } = groupYear(g, "y", c);
  const label = MONTH_LABEL[m - 1] ?? "";
  return recurring(
    "range",
    (y) => (d2 <= daysInMonth(y, m) ? { from: dayOf(y, m, d1), to: dayOf(y, m, d2) + 1 } : null),
    (y) => `${d1}–${d2} ${label} ${y}`,
    year,
    "strong",
    explicit ? 1 : year ? 0.95 : 0.8,
    { dayRange: true },
  );
}

function holidayAtom(
  g: Record<string, string | undefined>,
  c: Ctx,
  s: string,
  end: number,
): AtomInit | null {
  const def = HOLIDAYS.find((_, i) => g[`h${i}`] !== undefined);
  if (!def) return null;
  if (def.noArticle && g.the) return null;
  if (def.needsArticle && !g.the) return null;
  // "christmas decorations", "easter eggs": a merchandise category, not a date.
  if (CATEGORY_AFTER_RE.test(s.slice(end, end + 40))) return null;
  const at = (y: number): Win => def.win(y, c.region);
  const name = (y: number): string => `${def.label} ${y}`;
  const explicit = g.y0 ?? g.y1;
  let { year } =
    explicit !== undefined ? { year: parseYearToken(explicit) } : groupYear(g, "y1", c);
  if (year !== undefined) return recurring(def.kind, at, name, year, "strong", 0.95);
  const mode = modeOf(g.mod);
  if (mode) {
    year = pickYear(at, c, mode);
    return year === undefined ? null : recurring(def.kind, at, name, year, "strong", 0.9);
  }
  return recurring(def.kind, at, name, undefined, def.strength, 0.75);
}

/** A day of a month ("5 March 2011", "March 5th"), sure when the year was written. */
function dayOfMonthAtom(m: number, d: number, year: number | undefined, explicit: boolean) {
  return recurring(
    "calendar",
    dayAt(m, d),
    dayName(m, d),
    year,
    "strong",
    explicit ? 1 : year ? 0.95 : 0.8,
    { dayLevel: true },
  );
}

function unitOf(word: string): Unit | undefined {
  if (word.startsWith("d")) return "day";
  if (word.startsWith("w")) return "week";
  if (word.startsWith("mo")) return "month";
  if (word.startsWith("q")) return "quarter";
  if (word.startsWith("y")) return "year";
  return undefined;
}

function periodName(from: Day, unit: Unit): string {
  const { y, m } = partsOf(from);
  switch (unit) {
    case "day":
      return iso(from);
    case "week":
      return `week of ${iso(from)}`;
    case "month":
      return `${MONTH_LABEL[m - 1] ?? ""} ${y}`;
    case "quarter":
      return `Q${Math.floor((m - 1) / 3) + 1} ${y}`;
    case "year":
      return String(y);
  }
}

const MAX_UNITS: Record<Unit, number> = {
  day: 36_500,
  week: 5_200,
  month: 1_200,
  quarter: 400,
  year: 100,
};

/**
 * Rolling windows end at as-of ("the last 90 days", "past month"); calendar windows are whole
 * periods before the current one ("last month", "the last 3 full months").
 */
function relativeAtom(g: Record<string, string | undefined>, c: Ctx): AtomInit | null {
  const unit = unitOf(g.u ?? "");
  if (!unit) return null;
  const w = g.w ?? "";
  const forward = w === "next" || w === "coming";
  const hasN = g.n !== undefined;
  // "next day delivery", "the last day of the month": a bare "day" is not a window.
  if (unit === "day" && !hasN) return null;
  const n = hasN ? parseNum(g.n ?? "") : 1;
  if (n === undefined || n < 1 || n > MAX_UNITS[unit]) return null;
  const calendar =
    g.full !== undefined ||
    (!hasN &&
      (w === "previous" ||
        w === "prior" ||
        w === "preceding" ||
        ((w === "last" || w === "next") && !g.the)));
  let win: Win;
  if (calendar) {
    const p0 = periodStart(c.asOf, unit);
    win = forward
      ? { from: shift(p0, unit, 1), to: shift(p0, unit, 1 + n) }
      : { from: shift(p0, unit, -n), to: p0 };
  } else {
    win = forward
      ? { from: c.asOf, to: shift(c.asOf, unit, n) }
      : { from: shift(c.asOf, unit, -n), to: c.asOf };
  }
  const phrase = [g.the ? "the" : "", w, g.n ?? "", g.full ?? "", g.u ?? ""]
    .filter((p) => p !== "")
    .join(" ")
    .replace(/\s+/g, " ");
  const name = calendar && n === 1 ? periodName(win.from, unit) : phrase;
  return fixedAtom("relative", win, name, hasN ? 1 : 0.9);
}

// ---------------------------------------------------------------------------------------------
// Chrono fallback
// ---------------------------------------------------------------------------------------------

const CHRONO_TRIGGER_RE = new RegExp(`${L}${MONTH_SRC}${R}`, "g");
const MONTH_WORD_RE = new RegExp(`${L}${MONTH_SRC}${R}`);
/** Only these neighbours give chrono something our grammar lacks (ordinal words, weekdays). */
const CHRONO_NEED_RE =
  /first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|teenth|tieth|monday|tuesday|wednesday|thursday|friday|saturday|sunday|\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b/;
const CHRONO_LEAD_RE = /^(?:(?:on|at|in|from|since|before|after|by|until|till|during|for)\s+)+/;
const CHRONO_MAX_WINDOWS = 8;

function chronoAtoms(s: string, ruleAtoms: Atom[], c: Ctx): Atom[] {
  const windows: Array<[number, number]> = [];
  for (const m of s.matchAll(CHRONO_TRIGGER_RE)) {
    const a = m.index;
    const b = a + m[0].length;
    const near = s.slice(Math.max(0, a - 30), Math.min(s.length, b + 30));
    const dayCovered = ruleAtoms.some(
      (x) => (x.dayLevel || x.dayRange) && x.start <= a && b <= x.end,
    );
    if (dayCovered || !CHRONO_NEED_RE.test(near)) continue;
    let from = Math.max(0, a - 40);
    let to = Math.min(s.length, b + 40);
    while (from > 0 && !/\s/.test(s.charAt(from - 1))) from--;
    while (to < s.length && !/\s/.test(s.charAt(to))) to++;
    const last = windows[windows.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else windows.push([from, to]);
    if (windows.length > CHRONO_MAX_WINDOWS) break;
  }
  if (windows.length === 0) return [];
  const parser = c.region === "US" ? chrono.en.casual : chrono.en.GB;
  const ref = { instant: new Date(c.asOf * MS_PER_DAY), timezone: 0 };
  const out: Atom[] = [];
  for (const [wFrom, wTo] of windows.slice(0, CHRONO_MAX_WINDOWS)) {
    for (const r of parser.parse(s.slice(wFrom, wTo), ref)) {
      if (!r.start.isCertain("month") || !r.start.isCertain("day")) continue;
      const lead = CHRONO_LEAD_RE.exec(r.text)?.[0].length ?? 0;
      const body = r.text.slice(lead).replace(/[\s,.;:]+$/, "");
      if (!MONTH_WORD_RE.test(body)) continue;
      let start = wFrom + r.index + lead;
      // chrono drops the article of "the first of march"; keep it like our own rules do.
      if (!body.startsWith("the ") && s.slice(start - 4, start) === "the ") start -= 4;
      const end = wFrom + r.index + lead + body.length;
      const a = chronoDayAtom(r.start, start, end);
      if (!a) continue;
      const endC = r.end;
      if (endC && endC.isCertain("month") && endC.isCertain("day")) {
        const b = chronoDayAtom(endC, start, end);
        const combined = b ? combineRange(a, b, c) : null;
        if (combined) {
          out.push({
            start,
            end,
            kind: "range",
            strength: "strong",
            conf: combined.conf,
            fixed: combined.win,
            fixedName: combined.name,
            dayRange: true,
            fromChrono: true,
          });
        }
        continue;
      }
      out.push(a);
    }
  }
  return out;
}

function chronoDayAtom(p: chrono.ParsedComponents, start: number, end: number): Atom | null {
  const m = p.get("month");
  const d = p.get("day");
  if (m === null || d === null) return null;
  const year = p.isCertain("year") ? (p.get("year") ?? undefined) : undefined;
  return {
    start,
    end,
    kind: "calendar",
    strength: "strong",
    conf: year === undefined ? 0.75 : 0.95,
    at: dayAt(m, d),
    name: dayName(m, d),
    year,
    dayLevel: true,
    fromChrono: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Compositions (layer 2)
// ---------------------------------------------------------------------------------------------

interface Combined {
  win: Win;
  name: string;
  conf: number;
}

/**
 * "A to B" covers the whole of B. A missing year is taken from the other side (the first part
 * moves back a year if it would otherwise start after the second); a range with no year at all is
 * the most recent one whose start has begun by as-of.
 */
function combineRange(a: Atom, b: Atom, c: Ctx): Combined | null {
  let ra: Resolved | null = null;
  let rb: Resolved | null = null;
  let propagated = false;
  const recA = !a.fixed && a.at && a.name ? { at: a.at, name: a.name } : null;
  const recB = !b.fixed && b.at && b.name ? { at: b.at, name: b.name } : null;
  if (recA && recB && a.year === undefined && b.year !== undefined) {
    let y = b.year;
    let wa = recA.at(y);
    const wb = recB.at(b.year);
    if (sane(wa) && sane(wb) && wa.from > wb.from) wa = recA.at(--y);
    if (sane(wa)) ra = { win: wa, name: recA.name(y) };
    if (sane(wb)) rb = { win: wb, name: recB.name(b.year) };
    propagated = true;
  } else if (recA && recB && a.year !== undefined && b.year === undefined) {
    const wa = recA.at(a.year);
    let y = a.year;
    let wb = recB.at(y);
    if (sane(wa) && sane(wb) && wb.from < wa.from) wb = recB.at(++y);
    if (sane(wa)) ra = { win: wa, name: recA.name(a.year) };
    if (sane(wb)) rb = { win: wb, name: recB.name(y) };
    propagated = true;
  } else if (recA && recB && a.year === undefined && b.year === undefined) {
    for (let y = c.asOfY + 1; y >= c.asOfY - 5; y--) {
      const wa = recA.at(y);
      if (!sane(wa) || wa.from > c.asOf) continue;
      let yb = y;
      let wb = recB.at(yb);
      if (sane(wb) && wb.from < wa.from) wb = recB.at(++yb);
      if (!sane(wb)) return null;
      ra = { win: wa, name: recA.name(y) };
      rb = { win: wb, name: recB.name(yb) };
      break;
    }
  } else {
    ra = resolveAtom(a, c);
    rb = resolveAtom(b, c);
  }
  if (!ra || !rb || ra.win.from > rb.win.from || ra.win.from >= rb.win.to) return null;
  const yearKnown = a.year !== undefined || b.year !== undefined || !!a.fixed || !!b.fixed;
  const conf = yearKnown
    ? Math.min(propagated ? 0.95 : 1, Math.max(a.conf, b.conf), a.fixed ? a.conf : 1)
    : 0.8;
  return { win: { from: ra.win.from, to: rb.win.to }, name: `${ra.name} to ${rb.name}`, conf };
}

const RANGE_CONN_RE = /^\s*(to|through|thru|till|until|and|-|–|—)\s*/;
const RANGE_PRE_RE = /[^a-z](between|from)\s+$/;

function rangeAtoms(s: string, atoms: Atom[], c: Ctx): Atom[] {
  const longestAt = new Map<number, Atom>();
  for (const a of atoms) {
    const cur = longestAt.get(a.start);
    if (!cur || a.end - a.start > cur.end - cur.start) longestAt.set(a.start, a);
  }
  const out: Atom[] = [];
  for (const a of atoms) {
    if (a.kind === "range") continue;
    const conn = RANGE_CONN_RE.exec(s.slice(a.end, a.end + 12));
    if (!conn) continue;
    const b = longestAt.get(a.end + conn[0].length);
    if (!b || b.kind === "range") continue;
    const word = conn[1] ?? "";
    const look = lookBehind(s, a.start, 12);
    const pre = RANGE_PRE_RE.exec(look.text);
    const preWord = pre?.[1];
    if (word === "and" && preWord !== "between") continue;
    const combined = combineRange(a, b, c);
    if (!combined) continue;
    let strength: Strength;
    if (preWord) strength = "strong";
    else if (a.strength !== "weak" && b.strength !== "weak" && !a.numericYear && !b.numericYear)
      strength = "strong";
    else if (a.nameWord && b.nameWord) strength = "strong";
    else if (a.numericYear && b.numericYear)
      strength = yearSpanOk(s, a.start, b.end) ? "soft" : "weak";
    else strength = "weak";
    out.push({
      start: pre ? look.base + pre.index + 1 : a.start,
      end: b.end,
      kind: "range",
      strength,
      conf: combined.conf,
      fixed: combined.win,
      fixedName: combined.name,
    });
  }
  return out;
}

const WEEK_OF_RE = /[^a-z]((?:the\s+)?week\s+(of|commencing|beginning|starting|ending))\s+$/;
const EDGE_OF_RE = /[^a-z]((?:the\s+)?(?:very\s+)?(start|beginning|end)\s+of)\s+$/;
/** "the week before Christmas 2010", "in the 90 days before Easter", "the month after". */
const SPAN_AROUND_RE = new RegExp(
  String.raw`[^a-z]((?:the\s+)?(?:(${NUM_SRC})\s+)?(days?|weeks?|months?)\s+(before|leading\s+up\s+to|prior\s+to|after|following))\s+$`,
);

/**
 * "the week of <day>" widens a day to its (Monday-start) week; "the start/end of X" narrows X to
 * its first/last day, which is what "since the start of June" or "before the end of 2011" need.
 */
function wrapperAtoms(s: string, atoms: Atom[], c: Ctx): Atom[] {
  const out: Atom[] = [];
  for (const a of atoms) {
    const look = lookBehind(s, a.start, 30);
    const around = SPAN_AROUND_RE.exec(look.text);
    if (around) {
      const r = resolveAtom(a, c);
      const unit = unitOf(around[3] ?? "");
      const n = around[2] ? parseNum(around[2]) : 1;
      if (r && unit && n !== undefined && n >= 1) {
        const after = /after|following/.test(around[4] ?? "");
        const win = after
          ? { from: r.win.to, to: shift(r.win.to, unit, n) }
          : { from: shift(r.win.from, unit, -n), to: r.win.from };
        out.push({
          start: look.base + around.index + 1,
          end: a.end,
          kind: "range",
          strength: "strong",
          conf: Math.min(a.conf, 0.9),
          fixed: win,
          fixedName: `${n} ${unit}${n === 1 ? "" : "s"} ${after ? "after" : "before"} ${r.name}`,
        });
        continue;
      }
    }
    const weekMatch = WEEK_OF_RE.exec(look.text);
    const edge = weekMatch || a.kind === "range" ? null : EDGE_OF_RE.exec(look.text);
    if (!weekMatch && !edge) continue;
    const r = resolveAtom(a, c);
    if (!r) continue;
    // Only a single day (an explicit date or a named holiday) has "a week of".
    const week = weekMatch && r.win.to - r.win.from === 1 ? weekMatch : null;
    const m = week ?? edge;
    if (!m) continue;
    let win: Win;
    let name: string;
    if (week) {
      const d = r.win.from;
      const how = m[2];
      const from = how === "of" ? mondayOf(d) : how === "ending" ? d - 6 : d;
      win = { from, to: from + 7 };
      name = `week of ${iso(from)}`;
    } else {
      const end = m[2] === "end";
      win = oneDay(end ? r.win.to - 1 : r.win.from);
      name = `${end ? "end" : "start"} of ${r.name}`;
    }
    out.push({
      start: look.base + m.index + 1,
      end: a.end,
      kind: a.kind,
      strength: "strong",
      conf: a.numericYear ? 0.9 : a.conf,
      fixed: win,
      fixedName: name,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cues and numeric context (layer 3)
// ---------------------------------------------------------------------------------------------

const CUE_RE =
  /[^a-z'](ever since|since|prior to|up until|before|after|until|till|in|during|over|within|on|at|for|from|throughout|through|around|of)\s+$/;
const POST_RE =
  /^\s*,?\s*(onwards|onward|and later|or later|and after|and beyond|to date|to the present|to present|until now|till now|up to now|to now|or earlier|and earlier|or before|and before)(?![a-z])/;
const SINCE_CUES = new Set(["since", "ever since"]);
const BEFORE_CUES = new Set(["before", "prior to", "until", "till", "up until"]);
/** Cues that may introduce a bare year; "over/at/on/within/around 2000" read as amounts. */
const YEAR_CUES = new Set([
  "since",
  "ever since",
  "before",
  "prior to",
  "after",
  "until",
  "till",
  "up until",
  "in",
  "during",
  "from",
  "throughout",
  "through",
  "for",
  "of",
]);
/** A month or season followed by "," / "and" / "or" and another one ("Jul, Aug and Sep"). */
const COORD_AHEAD_RE = new RegExp(
  String.raw`^\s*(?:,|&|/|and|or)\s*(?:and\s+|or\s+)?(?:${MONTH_SRC}|${SEASON_SRC})${R}`,
);
const COORD_RE = new RegExp(
  String.raw`[^a-z0-9](?:${MONTH_SRC}|${SEASON_SRC})(?:\s+${YEAR_SRC})?(?:\s*(?:,|&|/|and|or|nor|but|not|also|then|in|during))+\s*$`,
);

interface Cue {
  word: string;
  start: number;
}

/**
 * Up to n characters before `pos`. At the start of the text a space is prepended so that patterns
 * which demand a separator before a word still match there; `base` maps slice indices back to s.
 */
function lookBehind(s: string, pos: number, n: number): { text: string; base: number } {
  const from = Math.max(0, pos - n);
  return from === 0
    ? { text: ` ${s.slice(0, pos)}`, base: -1 }
    : { text: s.slice(from, pos), base: from };
}

function findCue(s: string, start: number): Cue | null {
  const { text, base } = lookBehind(s, start, 18);
  const m = CUE_RE.exec(text);
  if (!m || m[1] === undefined) return null;
  // +1 skips the separator the pattern matched before the cue word.
  return { word: m[1], start: base + m.index + 1 };
}

function prevWord(s: string, start: number): string | undefined {
  return /([a-z]+)[^a-z0-9]*$/.exec(s.slice(Math.max(0, start - 30), start))?.[1];
}

/** Rejects numbers that are amounts or counts whatever precedes them. */
function numericContextOk(s: string, start: number, end: number): boolean {
  const before = s.slice(Math.max(0, start - 3), start);
  if (/(?:[£$€#>=<~+*×]|\bx)\s*$/.test(before)) return false;
  const after = s.slice(end, end + 30);
  if (/^\s*(?:%|\+|k\b|[.,]\d)/.test(after)) return false;
  if (
    /^\s*(?:-|–|—|to|and)\s*[£$€]?\d/.test(after) &&
    !/^\s*(?:-|–|—|to|and)\s*(?:19|20)\d\d/.test(after)
  )
    return false;
  return !COUNT_NOUNS.has(nextWord(s, end) ?? "");
}

/** A year with no cue only counts when nothing around it suggests an amount. */
function bareYearOk(s: string, start: number, end: number): boolean {
  if (COMPARISON_WORDS.has(prevWord(s, start) ?? "")) return false;
  const after = s.slice(end, end + 20);
  if (/^\s*(?:$|[,.;:!?)\]]|-(?:\s|$))/.test(after)) return true;
  return /^(?:and|or|but|only|onwards|onward|so|then|with|who|which|that|where|when|while|because|as|if)$/.test(
    nextWord(s, end) ?? "",
  );
}

function yearSpanOk(s: string, start: number, end: number): boolean {
  return numericContextOk(s, start, end) && bareYearOk(s, start, end);
}

interface Cand {
  start: number;
  end: number;
  from?: Day;
  to?: Day;
  kind: DateKind;
  name: string;
  conf: number;
  prio: number;
}

function candidateFor(a: Atom, s: string, c: Ctx): Cand | null {
  const r = resolveAtom(a, c);
  if (!r) return null;
  const cue = findCue(s, a.start);
  const post = POST_RE.exec(s.slice(a.end, a.end + 24));
  let conf = a.conf;
  let spanCue = cue !== null && cue.word !== "of" ? cue : null;
  if (a.numericYear) {
    if (!numericContextOk(s, a.start, a.end)) return null;
    if (cue && YEAR_CUES.has(cue.word)) {
      if (cue.word === "of" && QUANTITY_BEFORE_OF.has(prevWord(s, cue.start) ?? "")) return null;
    } else {
      spanCue = null;
      if (!post) {
        if (!bareYearOk(s, a.start, a.end)) return null;
        conf = 0.6;
      }
    }
  } else if (a.strength === "weak") {
    if (!spanCue && !post) {
      const coordinated =
        COORD_RE.test(lookBehind(s, a.start, 30).text) ||
        COORD_AHEAD_RE.test(s.slice(a.end, a.end + 30));
      if (!(a.nameWord && coordinated)) return null;
      conf = Math.min(conf, 0.7);
    }
  } else if (a.strength === "soft" && !spanCue && !post) {
    conf = Math.min(conf, a.nameWord ? 0.6 : 0.7);
  }

  let from: Day | undefined = r.win.from;
  let to: Day | undefined = r.win.to;
  let kind: DateKind = a.kind;
  let name = r.name;
  const word = spanCue?.word ?? "";
  if (SINCE_CUES.has(word)) {
    to = undefined;
    kind = "since";
    name = `since ${name}`;
  } else if (word === "after") {
    from = r.win.to;
    to = undefined;
    kind = "after";
    name = `after ${name}`;
  } else if (BEFORE_CUES.has(word)) {
    from = undefined;
    to = r.win.from;
    kind = "before";
    name = `before ${name}`;
  } else if (post) {
    const earlier = /earlier|before/.test(post[1] ?? "");
    if (earlier) {
      from = undefined;
      kind = "before";
      name = `${name} or earlier`;
    } else {
      to = undefined;
      kind = "since";
      name = `${name} onwards`;
    }
  }
  return {
    start: spanCue ? spanCue.start : a.start,
    end: post ? a.end + post[0].length : a.end,
    from,
    to,
    kind,
    name,
    conf,
    prio: a.fromChrono ? 0 : 1,
  };
}

function labelOf(name: string, from: Day | undefined, to: Day | undefined): string {
  if (from !== undefined && to !== undefined) {
    const dates = to - from <= 1 ? iso(from) : `${iso(from)} – ${iso(to - 1)}`;
    return `${name} (${dates})`;
  }
  if (from !== undefined) return `${name} (from ${iso(from)})`;
  if (to !== undefined) return `${name} (until ${iso(to - 1)})`;
  return name;
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/** Same-length lower-casing (offsets must survive) plus quote normalisation. */
function normalise(text: string): string {
  let lower = text.toLowerCase();
  if (lower.length !== text.length) {
    lower = Array.from(text, (ch) => {
      const l = ch.toLowerCase();
      return l.length === ch.length ? l : ch;
    }).join("");
  }
  return lower.replace(/[\u2018\u2019\u02bc`´]/g, "'").replace(/\u00a0/g, " ");
}

function contextOf(ctx: DateContext): Ctx | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ctx.asOf ?? "");
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || y < 1100 || y > 9900) return null;
  const fsmRaw = Math.trunc(Number(ctx.fiscalYearStartMonth));
  const fsm = fsmRaw >= 1 && fsmRaw <= 12 ? fsmRaw : 1;
  return { asOf: dayOf(y, mo, d), asOfY: y, fsm, region: ctx.region === "US" ? "US" : "GB" };
}

/**
 * "Jul, Aug and Sep 2010": months and seasons listed with one year after the last share it.
 * Each list member is the longest name atom at its place; members are joined by a separator.
 */
function shareListYears(s: string, atoms: Atom[]): void {
  const names = atoms
    .filter((a) => a.nameWord && a.at)
    .sort((x, y) => x.start - y.start || y.end - x.end)
    .filter((a, i, all) => i === 0 || a.start >= all[i - 1]!.end);
  let list: Atom[] = [];
  const flush = () => {
    const year = list.at(-1)?.year;
    if (list.length > 1 && year !== undefined) {
      for (const a of list) {
        if (a.year !== undefined) continue;
        // The bare atom of every shorter member takes the year (so does any overlapping one).
        for (const b of atoms)
          if (b.start === a.start && b.nameWord && b.year === undefined) b.year = year;
      }
    }
    list = [];
  };
  for (const a of names) {
    const prev = list.at(-1);
    if (prev && /^\s*(?:,|&|\/|and|or)\s*(?:and\s+|or\s+)?$/.test(s.slice(prev.end, a.start)))
      list.push(a);
    else {
      flush();
      list = [a];
    }
  }
  flush();
}

function collectAtoms(s: string, c: Ctx): Atom[] {
  const atoms: Atom[] = [];
  for (const rule of RULES) {
    if (!rule.hint.test(s)) continue;
    rule.re.lastIndex = 0;
    for (const m of s.matchAll(rule.re)) {
      const end = m.index + m[0].length;
      const init = rule.make(m.groups ?? {}, c, s, end);
      if (init) atoms.push({ ...init, start: m.index, end });
    }
  }
  return atoms;
}

/**
 * Finds every temporal expression in `text` and resolves it against `ctx`. Tags are sorted by
 * start and never overlap (the longest candidate wins). Never throws; bad input yields [].
 */
export function tagDates(text: string, ctx: DateContext): DateTag[] {
  try {
    if (typeof text !== "string" || text.length === 0 || !ctx) return [];
    const c = contextOf(ctx);
    if (!c) return [];
    const s = normalise(text);
    const atoms = collectAtoms(s, c);
    if (atoms.length === 0) return [];
    shareListYears(s, atoms);
    atoms.push(...chronoAtoms(s, atoms, c));
    atoms.push(...wrapperAtoms(s, atoms, c));
    atoms.push(...rangeAtoms(s, atoms, c));

    const cands: Cand[] = [];
    for (const a of atoms) {
      const cand = candidateFor(a, s, c);
      if (cand) cands.push(cand);
    }
    cands.sort(
      (x, y) =>
        y.end - y.start - (x.end - x.start) ||
        y.prio - x.prio ||
        y.conf - x.conf ||
        x.start - y.start,
    );
    const chosen: Cand[] = [];
    for (const cand of cands) {
      if (chosen.every((k) => cand.end <= k.start || cand.start >= k.end)) chosen.push(cand);
    }
    chosen.sort((x, y) => x.start - y.start);
    return chosen.map((k) => {
      const tag: DateTag = {
        start: k.start,
        end: k.end,
        text: text.slice(k.start, k.end),
        kind: k.kind,
        label: labelOf(k.name, k.from, k.to),
        confidence: Math.round(k.conf * 100) / 100,
      };
      if (k.from !== undefined) tag.from = iso(k.from);
      if (k.to !== undefined) tag.to = iso(k.to);
      return tag;
    });
  } catch {
    return [];
  }
}
