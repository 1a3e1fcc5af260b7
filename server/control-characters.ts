/**
 * Control characters are refused in every JSON body before any route sees it: Postgres cannot
 * store NUL in text or jsonb (22P05), and the other C0/C1 controls are never part of a segment
 * name, a glossary entry or a request. Tab, line feed and carriage return are allowed. Nothing
 * is stripped: the client learns which field to fix.
 */
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors.ts";
import type { ApiBindings } from "./types.ts";

/**
 * General category Cc (the C0 controls, DEL and the C1 controls U+0080–U+009F), except tab,
 * line feed and carriage return.
 */
const CONTROL = /[^\P{Cc}\t\n\r]/u;

export interface ControlCharacterHit {
  /** Where it is: object keys and array indexes from the root. */
  path: (string | number)[];
  /** The character, as U+XXXX. */
  codePoint: string;
}

function hitIn(text: string): string | null {
  const match = CONTROL.exec(text);
  if (!match) return null;
  return `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** A place in the value; the path is rebuilt from the parents only when something is found. */
interface Place {
  value: unknown;
  key: string | number | undefined;
  parent: Place | undefined;
}

function pathOf(place: Place): (string | number)[] {
  const path: (string | number)[] = [];
  for (let p: Place | undefined = place; p?.key !== undefined; p = p.parent) path.push(p.key);
  return path.reverse();
}

/**
 * The first control character in any string of a parsed JSON value, keys included. Iterative
 * and linear in the size of the value, so no body (a deeply nested one included) can overflow
 * the stack or make the check slow.
 */
export function findControlCharacter(value: unknown): ControlCharacterHit | null {
  const stack: Place[] = [{ value, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const place = stack.pop()!;
    const current = place.value;
    if (typeof current === "string") {
      const codePoint = hitIn(current);
      if (codePoint) return { path: pathOf(place), codePoint };
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i -= 1) {
        stack.push({ value: current[i], key: i, parent: place });
      }
    } else if (typeof current === "object" && current !== null) {
      const entries = Object.entries(current as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        const [key, child] = entries[i]!;
        const codePoint = hitIn(key);
        if (codePoint) return { path: [...pathOf(place), key], codePoint };
        stack.push({ value: child, key, parent: place });
      }
    }
  }
  return null;
}

/** 400 validation_error for a JSON body holding a control character; others pass through. */
export const rejectControlCharacters: MiddlewareHandler<ApiBindings> = async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  // Cached by Hono: the route's validator parses the same text again. A body over the limit
  // throws here (413), as it would there.
  const text = await c.req.text();
  if (text.length === 0) return next();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return next(); // The validator answers malformed_json.
  }
  const hit = findControlCharacter(body);
  if (hit) {
    const where = ["body", ...hit.path.map(String)].join(".");
    throw new ApiError(
      400,
      "validation_error",
      `${where}: control character ${hit.codePoint} is not allowed (only tab, line feed and carriage return are)`,
    );
  }
  return next();
};
