/**
 * The one contract suite (contract.ts) against every VectorStore: in process always, Milvus
 * when MILVUS_ADDRESS is set (a collection prefix of this run's own, dropped afterwards).
 */
import { CONTRACT_DIMENSION, vectorStoreContract } from "./contract.ts";
import { InProcessVectorStore } from "./in-process.ts";
import { MilvusVectorStore } from "./milvus.ts";

vectorStoreContract("in-process", async () => new InProcessVectorStore(CONTRACT_DIMENSION));

const address = process.env.MILVUS_ADDRESS;
vectorStoreContract(
  `milvus ${address ?? ""}`.trim(),
  async () => {
    const store = new MilvusVectorStore({
      address: address!,
      token: process.env.MILVUS_TOKEN,
      dimension: CONTRACT_DIMENSION,
      collectionPrefix: `contract_${process.pid}_`,
      timeoutMs: 10_000,
    });
    const close = store.close.bind(store);
    // The run's collections go with the store.
    store.close = async () => {
      await store.dropCollections().catch(() => {});
      await close();
    };
    return store;
  },
  address ? undefined : "MILVUS_ADDRESS is not set",
);
