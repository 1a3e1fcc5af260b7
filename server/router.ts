/** Routers share the validation hook, so every invalid input gets the error envelope. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { validationHook } from "./errors.ts";
import type { ApiBindings } from "./types.ts";

export function createRouter(): OpenAPIHono<ApiBindings> {
  return new OpenAPIHono<ApiBindings>({ defaultHook: (result) => validationHook(result) });
}

/** OpenAPI security requirement of every /v1 route. */
export const bearerAuth = [{ bearerAuth: [] }];

export function jsonBody<T>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description, required: true };
}

export function jsonResponse<T>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}
