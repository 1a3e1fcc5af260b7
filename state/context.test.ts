import { afterEach, describe, expect, it } from "vitest";
import {
  MissingContextError,
  requireContext,
  setDefaultContext,
  type NscContext,
} from "./context.ts";

const fakeContext = (name: string): NscContext =>
  ({ tenant: () => undefined, warehouse: { name }, skills: {} }) as unknown as NscContext;

afterEach(() => setDefaultContext(undefined));

describe("requireContext", () => {
  it("returns the run's own context", () => {
    const own = fakeContext("own");
    expect(requireContext({ context: own })).toBe(own);
  });

  it("throws without a context and without a default", () => {
    expect(() => requireContext({})).toThrow(MissingContextError);
    expect(() => requireContext({ context: {} })).toThrow(MissingContextError);
  });

  it("falls back to the default when the run brings none, or only JSON (dev server)", () => {
    const fallback = fakeContext("default");
    setDefaultContext(fallback);
    expect(requireContext({})).toBe(fallback);
    expect(requireContext({ context: undefined })).toBe(fallback);
    expect(requireContext({ context: {} })).toBe(fallback);
    expect(requireContext({ context: { tenant: "online-retail" } })).toBe(fallback);
  });

  it("prefers the run's own context over the default", () => {
    const own = fakeContext("own");
    setDefaultContext(fakeContext("default"));
    expect(requireContext({ context: own })).toBe(own);
  });

  it("unregisters the default", () => {
    setDefaultContext(fakeContext("default"));
    setDefaultContext(undefined);
    expect(() => requireContext({})).toThrow(MissingContextError);
  });
});
