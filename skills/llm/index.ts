/**
 * The LLM tier, built once per process from its configuration: the chat models (ChatOpenAI
 * against OPENAI_BASE_URL), the response cache and token budget (Redis when REDIS_URL is set),
 * the counters, the client that wraps every call, and the router that puts it all behind the
 * rules tier's SkillSet.
 */
import { ChatOpenAI } from "@langchain/openai";
import { setTimeout as sleep } from "node:timers/promises";
import type { LlmConfig } from "../../state/config.ts";
import { cacheRedis, closeRedis } from "../../storage/redis-cache.ts";
import type { SkillSet } from "../types.ts";
import { tokenBudget } from "./budget.ts";
import { memoryCache, redisCache } from "./cache.ts";
import { LlmClient, type ChatModelFactory } from "./client.ts";
import { createLlmMetrics, type LlmMetrics } from "./metrics.ts";
import { routedSkills } from "./router.ts";

export interface LlmTier {
  skills: SkillSet;
  client: LlmClient;
  metrics: LlmMetrics;
  /**
   * Resolves true once Redis (REDIS_URL) is connected, false after `timeoutMs`; without Redis
   * at once. Until then the cache misses and the budget counts in memory.
   */
  ready(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface LlmTierOptions {
  /** The chat models; default ChatOpenAI at the configured endpoint. */
  models?: ChatModelFactory;
  /** Separates the cache and budget keys of deployments (or tests) sharing one Redis. */
  keyPrefix?: string;
  onError?: (err: unknown) => void;
}

/** ChatOpenAI per model, retries off: cockatiel retries, and only what is worth retrying. */
export function openAiModels(cfg: LlmConfig): ChatModelFactory {
  const models = new Map<string, ChatOpenAI>();
  return (model) => {
    let chat = models.get(model);
    if (!chat) {
      chat = new ChatOpenAI({
        model,
        apiKey: cfg.apiKey,
        configuration: { baseURL: cfg.baseUrl },
        maxRetries: 0,
        timeout: cfg.timeoutMs,
        temperature: 0,
      });
      models.set(model, chat);
    }
    return chat;
  };
}

export function createLlmTier(cfg: LlmConfig, rules: SkillSet, opts: LlmTierOptions = {}): LlmTier {
  const prefix = opts.keyPrefix ?? "segment-llm:";
  const redis = cfg.redisUrl ? cacheRedis(cfg.redisUrl, (err) => opts.onError?.(err)) : undefined;
  const cache = redis
    ? redisCache(redis, {
        ttlSeconds: cfg.cacheTtlSeconds,
        keyPrefix: `${prefix}cache:`,
        onError: opts.onError,
      })
    : memoryCache({ ttlSeconds: cfg.cacheTtlSeconds, maxEntries: cfg.cacheMaxEntries });
  const budget = tokenBudget({
    dailyTokens: cfg.tenantDailyTokens,
    redis,
    keyPrefix: `${prefix}budget`,
    onError: opts.onError,
  });
  const metrics = createLlmMetrics();
  const client = new LlmClient(cfg, {
    models: opts.models ?? openAiModels(cfg),
    cache,
    budget,
    metrics,
  });
  return {
    skills: routedSkills(rules, client, metrics, {
      mode: cfg.mode,
      routeBelowConfidence: cfg.routeBelowConfidence,
      model: cfg.mapModel,
      strongModel: cfg.mapStrongModel,
      stepModels: cfg.stepModels,
      tenantModels: cfg.tenantModels,
    }),
    client,
    metrics,
    ready: async (timeoutMs = 2_000) => {
      if (!redis || redis.status === "ready") return true;
      const connected = new Promise<boolean>((resolve) => redis.once("ready", () => resolve(true)));
      const timer = sleep(timeoutMs, false, { ref: false });
      return Promise.race([connected, timer]);
    },
    close: async () => {
      await closeRedis(redis);
    },
  };
}
