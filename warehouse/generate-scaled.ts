/**
 * A tenant k times the size of online-retail, generated from online-retail's own customer lines
 * so that distributions stay those of real data and the same requests mean the same thing at
 * every size (bench/scale-bench.ts). Copy j of customer c is a new customer
 * `j * ID_STRIDE + c` with all of c's lines under new invoice numbers; copy 0 is the original,
 * byte for byte. With jitter (the default), every other copy shifts c's whole history by a
 * whole number of days (kept inside the data's own date range) and scales c's prices by one
 * factor near 1: order counts, units, products and the order of c's purchases stay exact,
 * dates and spend move a little, so copies do not all fall into the same month and spend band.
 * Deterministic: the jitter of (seed, customer, copy) is a hash, not a random stream, so any
 * row can be generated alone and in any order.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { parseCsvLine } from "./csv.ts";

/** Customer ids of copies are `copy * ID_STRIDE + id`; online-retail's ids are all below it. */
export const ID_STRIDE = 100_000;
const DAY_MS = 86_400_000;

/** One customer line of the source, as its CSV has it (numbers parsed, date as UTC ms). */
export interface SourceLine {
  invoiceNo: string;
  stockCode: string;
  description: string;
  quantity: number;
  /** `YYYY-MM-DD HH:MM:SS` as written, and the same instant as epoch ms (read as UTC). */
  invoiceDate: string;
  at: number;
  unitPrice: string;
  customerId: number;
  country: string;
}

export interface ScaleOptions {
  /** Copies of each customer (1 = the source itself). */
  factor: number;
  seed: string;
  /** Shift dates and scale prices per copy (default true); false gives exact copies. */
  jitter?: boolean;
  /** Largest shift of a copy's history, in days either way (default 30). */
  maxShiftDays?: number;
  /** Prices of a copy are scaled by a factor in [1 - spread, 1 + spread] (default 0.1). */
  priceSpread?: number;
}

/** `YYYY-MM-DD HH:MM:SS` read as UTC (the source has no zone; only calendar arithmetic matters). */
export const parseTimestamp = (s: string): number => Date.parse(`${s.replace(" ", "T")}Z`);
const formatTimestamp = (ms: number): string => {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
};

/**
 * The source's customer lines, in file order. Lines without a customer are left out: the data
 * contract puts them in no segment, and the loader drops them anyway.
 */
export async function readSourceLines(file: string): Promise<SourceLine[]> {
  const lines: SourceLine[] = [];
  const input = createInterface({ input: createReadStream(file).pipe(createGunzip()) });
  let header = true;
  for await (const record of input) {
    if (header) {
      header = false;
      continue;
    }
    const [invoiceNo, stockCode, description, quantity, invoiceDate, unitPrice, customer, country] =
      parseCsvLine(record) as [string, string, string, string, string, string, string, string];
    if (!customer.trim()) continue;
    const customerId = Math.round(Number(customer));
    if (!(customerId > 0 && customerId < ID_STRIDE))
      throw new Error(`customer id ${customer} is outside 1..${ID_STRIDE - 1}`);
    lines.push({
      invoiceNo,
      stockCode,
      description,
      quantity: Number(quantity),
      invoiceDate,
      at: parseTimestamp(invoiceDate),
      unitPrice,
      customerId,
      country,
    });
  }
  return lines;
}

/** 32-bit FNV-1a of a string: the seed as a number. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** murmur3's finaliser over three words: a well-mixed uint32, the same for the same inputs. */
function mix(a: number, b: number, c: number): number {
  let h =
    Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b) ^ Math.imul(c + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A customer's first and last purchase in the source, and the source's whole range. */
export interface Spans {
  customers: Map<number, { first: number; last: number }>;
  min: number;
  max: number;
}

export function spansOf(source: SourceLine[]): Spans {
  const customers = new Map<number, { first: number; last: number }>();
  let min = Infinity;
  let max = -Infinity;
  for (const l of source) {
    const s = customers.get(l.customerId);
    if (!s) customers.set(l.customerId, { first: l.at, last: l.at });
    else {
      s.first = Math.min(s.first, l.at);
      s.last = Math.max(s.last, l.at);
    }
    min = Math.min(min, l.at);
    max = Math.max(max, l.at);
  }
  return { customers, min, max };
}

export interface CopyJitter {
  shiftDays: number;
  priceFactor: number;
}

/**
 * The jitter of one copy of one customer. The shift is symmetric, at most as far as the
 * customer's history can move either way inside the source's range: no line falls outside it
 * (none after the as-of date), and customers near either end are not pushed inwards, which
 * would bias recency ("not ordered since") towards earlier dates. A customer active from the
 * first month to the last is not shifted.
 */
export function copyJitter(
  seed: number,
  customer: { id: number; first: number; last: number },
  copy: number,
  range: { min: number; max: number },
  opts: Required<Pick<ScaleOptions, "maxShiftDays" | "priceSpread">>,
): CopyJitter {
  if (copy === 0) return { shiftDays: 0, priceFactor: 1 };
  const room = Math.min(
    opts.maxShiftDays,
    Math.floor((customer.first - range.min) / DAY_MS),
    Math.floor((range.max - customer.last) / DAY_MS),
  );
  const u1 = mix(seed, customer.id, copy * 2) / 2 ** 32;
  const u2 = mix(seed, customer.id, copy * 2 + 1) / 2 ** 32;
  return {
    shiftDays: -room + Math.floor(u1 * (2 * room + 1)),
    priceFactor: 1 + opts.priceSpread * (2 * u2 - 1),
  };
}

/** Escapes a value for COPY's text format. */
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
const text = (s: string): string =>
  /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : s;

/** Columns of a generated row, in `raw_lines` order. */
export interface ScaledRow {
  invoiceNo: string;
  stockCode: string;
  description: string;
  quantity: number;
  invoiceDate: string;
  unitPrice: string;
  customerId: number;
  country: string;
}

/** Copy `copy` of one source line under its customer's jitter. */
export function scaleLine(l: SourceLine, copy: number, j: CopyJitter): ScaledRow {
  if (copy === 0) {
    const { invoiceNo, stockCode, description, quantity, invoiceDate, unitPrice } = l;
    return {
      invoiceNo,
      stockCode,
      description,
      quantity,
      invoiceDate,
      unitPrice,
      customerId: l.customerId,
      country: l.country,
    };
  }
  const price =
    j.priceFactor === 1
      ? l.unitPrice
      : String(Math.round(Number(l.unitPrice) * j.priceFactor * 100) / 100);
  return {
    invoiceNo: `${l.invoiceNo}-${copy}`,
    stockCode: l.stockCode,
    description: l.description,
    quantity: l.quantity,
    invoiceDate: j.shiftDays === 0 ? l.invoiceDate : formatTimestamp(l.at + j.shiftDays * DAY_MS),
    unitPrice: price,
    customerId: copy * ID_STRIDE + l.customerId,
    country: l.country,
  };
}

export const renderRow = (r: ScaledRow): string =>
  `${text(r.invoiceNo)}\t${text(r.stockCode)}\t${text(r.description)}\t${r.quantity}\t` +
  `${r.invoiceDate}\t${r.unitPrice}\t${r.customerId}\t${text(r.country)}\n`;

/**
 * Every generated row, line by line of the source with its k copies together, so the table's
 * physical order follows time as a warehouse appended over the year would.
 */
export function* scaledRows(source: SourceLine[], opts: ScaleOptions): Generator<ScaledRow> {
  if (!Number.isInteger(opts.factor) || opts.factor < 1 || opts.factor * ID_STRIDE > 2 ** 31)
    throw new Error(`factor must be an integer in 1..${Math.floor(2 ** 31 / ID_STRIDE)}`);
  const spans = spansOf(source);
  const seed = hashString(opts.seed);
  const limits = { maxShiftDays: opts.maxShiftDays ?? 30, priceSpread: opts.priceSpread ?? 0.1 };
  const jitterOn = opts.jitter ?? true;
  for (const l of source) {
    const span = spans.customers.get(l.customerId)!;
    const customer = { id: l.customerId, ...span };
    for (let copy = 0; copy < opts.factor; copy++) {
      const j = jitterOn
        ? copyJitter(seed, customer, copy, spans, limits)
        : { shiftDays: 0, priceFactor: 1 };
      yield scaleLine(l, copy, j);
    }
  }
}

/**
 * The generated rows as COPY text, in chunks of about `chunkRows` rows, as a stream with
 * backpressure: nothing but the source and one chunk is ever in memory. `onRows` reports the
 * running count.
 */
export function scaledCopyStream(
  source: SourceLine[],
  opts: ScaleOptions,
  onRows: (done: number) => void = () => {},
  chunkRows = 5_000,
): Readable {
  const rows = scaledRows(source, opts);
  let done = 0;
  function* chunks(): Generator<string> {
    let chunk = "";
    let n = 0;
    for (const r of rows) {
      chunk += renderRow(r);
      if (++n === chunkRows) {
        done += n;
        onRows(done);
        yield chunk;
        chunk = "";
        n = 0;
      }
    }
    if (n) {
      done += n;
      onRows(done);
      yield chunk;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
