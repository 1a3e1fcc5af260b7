import { describe, expect, it } from "vitest";
import { HashedNgramEmbedder } from "../catalog/embedder.ts";
import { parseEnv, vectorConfigFrom } from "../state/config.ts";
import { CachedEmbedder } from "./embedder.ts";
import { InProcessVectorStore } from "./in-process.ts";
import { createTextEmbedder, createVectorStore } from "./index.ts";
import { MilvusVectorStore } from "./milvus.ts";

const configOf = (env: Record<string, string>) => vectorConfigFrom(parseEnv(env));

describe("vector store and embedder from the environment", () => {
  it("keeps vectors in process and embeds offline by default", async () => {
    const cfg = configOf({});
    expect(createVectorStore(cfg, 512)).toBeInstanceOf(InProcessVectorStore);
    const hashed = new HashedNgramEmbedder();
    const { embedder, close } = createTextEmbedder(cfg, hashed);
    expect(embedder.id).toBe(hashed.id);
    await close();
  });

  it("uses Milvus at MILVUS_ADDRESS, with its timeout and prefix", async () => {
    const cfg = configOf({
      MILVUS_ADDRESS: "127.0.0.1:19530",
      MILVUS_TIMEOUT_MS: "300",
      MILVUS_COLLECTION_PREFIX: "t_",
    });
    expect(cfg.milvus).toEqual({
      address: "127.0.0.1:19530",
      collectionPrefix: "t_",
      timeoutMs: 300,
      token: undefined,
      database: undefined,
    });
    const store = createVectorStore(cfg, 8);
    expect(store).toBeInstanceOf(MilvusVectorStore);
    expect(store.name).toBe("milvus 127.0.0.1:19530");
    await store.close();
  });

  it("refuses a collection prefix Milvus would reject", () => {
    expect(() => configOf({ MILVUS_COLLECTION_PREFIX: "bad-prefix" })).toThrow();
  });

  it("embeds with EMBEDDINGS_MODEL at OPENAI_BASE_URL, cached, only when both are set", async () => {
    expect(configOf({ EMBEDDINGS_MODEL: "text-embedding-3-small" }).embeddings).toBeUndefined();
    const cfg = configOf({
      EMBEDDINGS_MODEL: "text-embedding-3-small",
      EMBEDDINGS_DIMENSIONS: "256",
      OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
    });
    const { embedder, close } = createTextEmbedder(cfg, new HashedNgramEmbedder());
    expect(embedder).toBeInstanceOf(CachedEmbedder);
    expect(embedder.dimension).toBe(256);
    expect(embedder.id).toBe("openai:127.0.0.1:9:text-embedding-3-small:d256");
    await close();
  });
});
