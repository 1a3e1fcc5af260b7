import { describe, expect, it } from "vitest";
import { memoryFrom, rememberable } from "./memory.ts";

describe("rememberable", () => {
  it("remembers questions about the user's words", () => {
    expect(rememberable("unmapped:loyal")).toBe(true);
    expect(rememberable("vague:recent")).toBe(true);
    expect(rememberable("band:spend:high value")).toBe(true);
  });

  it("does not remember questions about one request's positions or findings", () => {
    expect(rememberable("foreign-currency:12")).toBe(false);
    expect(rememberable("contradiction:over £500 and under £100")).toBe(false);
    expect(rememberable("no_conditions:hello")).toBe(false);
    expect(rememberable("nokey")).toBe(false);
  });
});

describe("memoryFrom", () => {
  it("remembers for the user by default", () => {
    expect(memoryFrom({ user: "ana" }, "t")).toEqual({
      subject: { tenant: "t", user: "ana" },
      remember: "user",
    });
  });

  it("remembers nothing for nobody, unless for the tenant", () => {
    expect(memoryFrom({}, "t").remember).toBe("none");
    expect(memoryFrom({ remember: "user" }, "t").remember).toBe("none");
    expect(memoryFrom({ remember: "tenant" }, "t").remember).toBe("tenant");
    expect(memoryFrom({ user: "ana", remember: "bogus" }, "t").remember).toBe("user");
  });
});
