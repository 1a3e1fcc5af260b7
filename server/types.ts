/** Hono bindings shared by the app, its middleware and its routers. */
import type { Logger } from "pino";

export type ApiBindings = {
  Variables: {
    /** Set by the requestId middleware for every request. */
    requestId: string;
    logger: Logger;
    /** Set by the auth middleware under /v1: the tenant the API key belongs to. */
    tenantId: string;
    keyId: string;
    /** The person the key belongs to (`keys create --user`), or null for a service key. */
    keyUser: string | null;
  };
};

/** Wall-clock milliseconds; injected so tests can move time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
