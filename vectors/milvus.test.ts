/**
 * The Milvus adapter against an address where nothing listens (a loopback port just freed):
 * the client's failed connection must neither crash the process (an unhandled rejection
 * fails this run) nor wait the SDK's 15 s; it surfaces as a bounded, typed failure.
 */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { MilvusVectorStore, VectorStoreUnavailableError } from "./milvus.ts";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("MilvusVectorStore, nothing listening", () => {
  it("reports unhealthy and fails calls within its timeout, without an unhandled rejection", async () => {
    const store = new MilvusVectorStore({
      address: `127.0.0.1:${await closedPort()}`,
      dimension: 4,
      timeoutMs: 500,
      reconnectAfterMs: 0,
    });
    const health = await store.health();
    expect(health.ok).toBe(false);
    expect(health.detail).toMatch(/127\.0\.0\.1/);
    await expect(
      store.search({ kind: "catalog_value", tenant: "t", vector: [1, 0, 0, 0], k: 3 }),
    ).rejects.toBeInstanceOf(VectorStoreUnavailableError);
    await expect(
      store.upsert([{ kind: "recipe", tenant: "t", id: "a", vector: [1, 0, 0, 0], text: "" }]),
    ).rejects.toBeInstanceOf(VectorStoreUnavailableError);
    await store.close();
    // Three attempts bounded by the 500 ms deadline fit the test's timeout; the SDK's 15 s
    // default would not.
  }, 8_000);

  it("refuses a collection prefix Milvus would reject", () => {
    expect(
      () =>
        new MilvusVectorStore({ address: "127.0.0.1:1", dimension: 4, collectionPrefix: "a-b" }),
    ).toThrow(RangeError);
  });
});
