import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".data/**"],
    // LangSmith only when a key is configured: tracing with no network hangs for ~90 s.
    env: process.env.LANGSMITH_API_KEY
      ? {}
      : { LANGSMITH_TRACING: "false", LANGSMITH_TEST_TRACKING: "false" },
    // Integration tests share one Postgres; files run one at a time to keep their schemas apart.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
