import { describe, expect, it } from "vitest";
import { PageQuery } from "./schemas.ts";

describe("PageQuery", () => {
  it.each([
    ["1", 1],
    ["20", 20],
    ["100", 100],
    ["007", 7],
  ])("reads limit=%s as %i", (limit, expected) => {
    expect(PageQuery.parse({ limit })).toEqual({ limit: expected });
  });

  it("defaults the limit when absent and keeps the cursor", () => {
    expect(PageQuery.parse({})).toEqual({ limit: 20 });
    expect(PageQuery.parse({ cursor: "MTI1MjM" })).toEqual({ limit: 20, cursor: "MTI1MjM" });
  });

  it.each([
    ["hexadecimal", { limit: "0x10" }],
    ["exponent", { limit: "1e2" }],
    ["leading space", { limit: " 10" }],
    ["trailing space", { limit: "10 " }],
    ["plus sign", { limit: "+5" }],
    ["minus sign", { limit: "-1" }],
    ["decimal point", { limit: "1.0" }],
    ["empty", { limit: "" }],
    ["Infinity", { limit: "Infinity" }],
    ["full-width digits", { limit: "１０" }],
    ["zero", { limit: "0" }],
    ["over the maximum", { limit: "101" }],
    ["huge", { limit: "99999999999999999999999" }],
    ["repeated", { limit: ["1", "2"] }],
    ["limit[]=1", { "limit[]": "1" }],
    ["an unknown parameter", { limt: "5" }],
  ])("refuses %s", (_name, query) => {
    expect(PageQuery.safeParse(query).success).toBe(false);
  });
});
