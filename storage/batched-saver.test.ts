import { describe, expect, it } from "vitest";
import { nextChannelVersion } from "./batched-saver.ts";

describe("nextChannelVersion", () => {
  it("starts a new channel at a padded counter of 1 with a suffix", () => {
    expect(nextChannelVersion(undefined)).toMatch(/^0{31}1\.\d{15}$/);
  });

  it("counts on from a string version, and siblings of one parent differ", () => {
    const parent = nextChannelVersion(undefined) as string;
    const a = nextChannelVersion(parent) as string;
    const b = nextChannelVersion(parent) as string;
    expect(a.split(".")[0]).toBe(`${"0".repeat(31)}2`);
    expect(a).not.toBe(b);
  });

  it("orders by the counter as LangGraph compares versions (localeCompare)", () => {
    let v = nextChannelVersion(undefined) as string;
    for (let i = 0; i < 12; i++) {
      const next = nextChannelVersion(v) as string;
      expect(next.localeCompare(v)).toBe(1);
      v = next;
    }
    expect(v.startsWith(`${"0".repeat(30)}13.`)).toBe(true);
  });

  it("keeps a thread that already counts in integers on integers", () => {
    expect(nextChannelVersion(41)).toBe(42);
  });
});
