import { parseCsvLine } from "./csv.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../state/config.ts";
import {
  copyJitter,
  ID_STRIDE,
  parseTimestamp,
  readSourceLines,
  renderRow,
  scaledCopyStream,
  scaledRows,
  spansOf,
  type ScaledRow,
  type SourceLine,
} from "./generate-scaled.ts";

const file = join(parseEnv().ONLINE_RETAIL_DIR, "online-retail.csv.gz");

/** A small hand-made source: two customers, an order and a cancellation, prices with cents. */
function line(p: Partial<SourceLine> & { invoiceDate: string; customerId: number }): SourceLine {
  return {
    invoiceNo: "500001",
    stockCode: "85123A",
    description: "WHITE HANGING HEART T-LIGHT HOLDER",
    quantity: 6,
    unitPrice: "2.55",
    country: "United Kingdom",
    at: parseTimestamp(p.invoiceDate),
    ...p,
  };
}
const SMALL: SourceLine[] = [
  line({ customerId: 17850, invoiceDate: "2010-12-01 08:26:00" }),
  line({
    customerId: 17850,
    invoiceDate: "2011-06-15 10:00:00",
    invoiceNo: "C500002",
    quantity: -1,
  }),
  line({
    customerId: 12346,
    invoiceDate: "2011-03-01 09:00:00",
    invoiceNo: "500003",
    unitPrice: "1.04",
  }),
  line({ customerId: 12346, invoiceDate: "2011-12-09 12:50:00", invoiceNo: "500004" }),
  line({ customerId: 13000, invoiceDate: "2011-05-01 10:00:00", invoiceNo: "500005" }),
  line({ customerId: 13000, invoiceDate: "2011-07-01 10:00:00", invoiceNo: "500006" }),
];

const totals = (rows: Iterable<ScaledRow>) => {
  const out = new Map<number, { orders: Set<string>; spend: number; units: number }>();
  for (const r of rows) {
    const t = out.get(r.customerId) ?? { orders: new Set(), spend: 0, units: 0 };
    if (!r.invoiceNo.startsWith("C")) {
      t.orders.add(r.invoiceNo);
      t.spend += r.quantity * Number(r.unitPrice);
      t.units += r.quantity;
    }
    out.set(r.customerId, t);
  }
  return out;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

describe("CSV and timestamps", () => {
  it("splits quoted fields with commas and doubled quotes", () => {
    expect(parseCsvLine('536477,22041,"RECORD FRAME 7"" SINGLE, SIZE ",48')).toEqual([
      "536477",
      "22041",
      'RECORD FRAME 7" SINGLE, SIZE ',
      "48",
    ]);
    expect(parseCsvLine("a,,b")).toEqual(["a", "", "b"]);
  });
  it("renders COPY text with tabs and backslashes escaped", () => {
    const r = [
      ...scaledRows(
        [line({ customerId: 1, invoiceDate: "2011-01-01 00:00:00", description: "A\tB\\C" })],
        { factor: 1, seed: "s" },
      ),
    ][0]!;
    expect(renderRow(r)).toBe(
      "500001\t85123A\tA\\tB\\\\C\t6\t2011-01-01 00:00:00\t2.55\t1\tUnited Kingdom\n",
    );
  });
});

describe("scaledRows", () => {
  it("is deterministic for a seed and differs for another seed", () => {
    const a = [...scaledRows(SMALL, { factor: 20, seed: "one" })];
    expect([...scaledRows(SMALL, { factor: 20, seed: "one" })]).toEqual(a);
    expect([...scaledRows(SMALL, { factor: 20, seed: "two" })]).not.toEqual(a);
  });

  it("copy 0 is the source itself, and factor 1 gives exactly the source", () => {
    const rows = [...scaledRows(SMALL, { factor: 1, seed: "s" })];
    expect(rows.map((r) => [r.invoiceNo, r.invoiceDate, r.unitPrice, r.customerId])).toEqual(
      SMALL.map((l) => [l.invoiceNo, l.invoiceDate, l.unitPrice, l.customerId]),
    );
  });

  it("makes k distinct customers per source customer, with their own invoices", () => {
    const rows = [...scaledRows(SMALL, { factor: 50, seed: "s" })];
    expect(rows).toHaveLength(SMALL.length * 50);
    expect(new Set(rows.map((r) => r.customerId)).size).toBe(3 * 50);
    for (const r of rows) expect(r.customerId % ID_STRIDE).toBeOneOf([17850, 12346, 13000]);
    // An invoice belongs to one customer copy; cancellations keep their C.
    const owner = new Map<string, number>();
    for (const r of rows) {
      expect(owner.get(r.invoiceNo) ?? r.customerId).toBe(r.customerId);
      owner.set(r.invoiceNo, r.customerId);
    }
    expect(rows.filter((r) => r.invoiceNo.startsWith("C"))).toHaveLength(50);
  });

  it("keeps every shifted date inside the source's range, a copy's history shifted as one", () => {
    const { min, max } = spansOf(SMALL);
    const rows = [...scaledRows(SMALL, { factor: 200, seed: "s" })];
    const shifts = new Map<number, Set<number>>();
    for (const [i, r] of rows.entries()) {
      const at = parseTimestamp(r.invoiceDate);
      expect(at).toBeGreaterThanOrEqual(min);
      expect(at).toBeLessThanOrEqual(max);
      const days = (at - SMALL[Math.floor(i / 200)]!.at) / 86_400_000;
      expect(Number.isInteger(days)).toBe(true);
      shifts.set(r.customerId, (shifts.get(r.customerId) ?? new Set()).add(days));
    }
    for (const s of shifts.values()) expect(s.size).toBe(1);
    const shift = (id: number) =>
      [...shifts]
        .filter(([c]) => c % ID_STRIDE === id && c >= ID_STRIDE)
        .map(([, s]) => [...s][0]!);
    // 17850 starts on the first day and 12346 ends on the last: neither can move.
    expect(new Set([...shift(17850), ...shift(12346)])).toEqual(new Set([0]));
    // 13000 (May to July) has a month either way and uses it.
    expect(Math.min(...shift(13000))).toBe(-30);
    expect(Math.max(...shift(13000))).toBe(30);
  });

  it("without jitter, every copy has its source customer's totals exactly", () => {
    const by = totals(scaledRows(SMALL, { factor: 10, seed: "s", jitter: false }));
    const base = totals(SMALL.map((l) => ({ ...l })));
    for (const [id, t] of by) {
      const b = base.get(id % ID_STRIDE)!;
      expect([t.orders.size, t.units, t.spend]).toEqual([b.orders.size, b.units, b.spend]);
    }
  });

  it("copyJitter shifts symmetrically within the room and the limit, prices within the spread", () => {
    const day = 86_400_000;
    const range = { min: 0, max: 400 * day };
    const near = { id: 2, first: 100 * day, last: 395 * day };
    const shifts = Array.from(
      { length: 2000 },
      (_, i) => copyJitter(7, near, i + 1, range, { maxShiftDays: 30, priceSpread: 0.1 }).shiftDays,
    );
    expect([Math.min(...shifts), Math.max(...shifts)]).toEqual([-5, 5]);
    expect(Math.abs(shifts.reduce((a, b) => a + b, 0) / shifts.length)).toBeLessThan(0.3);
    for (let copy = 1; copy < 500; copy++) {
      const j = copyJitter(
        7,
        { id: 1, first: 100 * 86_400_000, last: 200 * 86_400_000 },
        copy,
        range,
        {
          maxShiftDays: 30,
          priceSpread: 0.1,
        },
      );
      expect(Math.abs(j.shiftDays)).toBeLessThanOrEqual(30);
      expect(Math.abs(j.priceFactor - 1)).toBeLessThanOrEqual(0.1);
    }
  });
});

describe.runIf(existsSync(file))("on online-retail's own lines", () => {
  let source: SourceLine[];
  beforeAll(async () => {
    source = await readSourceLines(file);
  });

  it("reads the data contract's customer lines", () => {
    expect(source).toHaveLength(406_829);
    expect(new Set(source.map((l) => l.customerId)).size).toBe(4_372);
  });

  it("k copies keep the per-customer totals' distribution: orders exactly, spend within the jitter", () => {
    const k = 3;
    const base = totals(source.map((l) => ({ ...l })));
    const scaled = totals(scaledRows(source, { factor: k, seed: "dist" }));
    expect(scaled.size).toBe(base.size * k);
    for (const [id, t] of scaled) {
      const b = base.get(id % ID_STRIDE)!;
      expect(t.orders.size).toBe(b.orders.size);
      expect(t.units).toBe(b.units);
      // One price factor in [0.9, 1.1] per copy, prices rounded to the penny.
      expect(Math.abs(t.spend - b.spend)).toBeLessThanOrEqual(
        Math.abs(b.spend) * 0.1 + t.units * 0.005 + 1e-6,
      );
    }
    const spend = (m: typeof base) => [...m.values()].map((t) => t.spend);
    expect(median(spend(scaled)) / median(spend(base))).toBeCloseTo(1, 1);
  });

  it("streams COPY text row by row: as many lines as rows", async () => {
    let lines = 0;
    let last = 0;
    await pipeline(
      scaledCopyStream(source.slice(0, 10_000), { factor: 3, seed: "s" }, (d) => (last = d), 1_000),
      new Writable({
        write(chunk: Buffer, _e, cb) {
          for (const b of chunk) if (b === 10) lines++;
          cb();
        },
      }),
    );
    expect([lines, last]).toEqual([30_000, 30_000]);
  });
});
