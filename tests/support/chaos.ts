/**
 * The chaos suite's moves against server child processes (server-process.ts): server-sent
 * event runs cut at a chosen step (the server killed with SIGKILL, or the client gone), and the
 * checks every case ends with — no answer but an envelope, no thread left stuck, the same
 * message or answer retried succeeds, no version lost or doubled.
 */
import { request } from "node:http";
import { expect } from "vitest";
import { call, isEnvelope, type Answer } from "./http-client.ts";

export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * POSTs with `Accept: text/event-stream` and calls `onEvent` for each event; resolves with the
 * events once the stream ends or is cut (by `cut()`, or by the server going away).
 */
export function streamRun(
  base: string,
  path: string,
  key: string,
  json: unknown,
  onEvent: (e: SseEvent, cut: () => void) => void,
): Promise<{ status: number; events: SseEvent[]; cut: boolean; body: string }> {
  return new Promise((resolve) => {
    const events: SseEvent[] = [];
    let body = "";
    let status = 0;
    let cut = false;
    const req = request(`${base}${path}`, {
      method: "POST",
      agent: false,
      headers: {
        Authorization: `Bearer ${key}`,
        "Content-Type": "application/json",
        Accept: "text/event-stream",
      },
    });
    const done = () => resolve({ status, events, cut, body });
    const stop = () => {
      cut = true;
      req.destroy();
    };
    req.on("response", (res) => {
      status = res.statusCode ?? 0;
      res.setEncoding("utf8");
      let buffer = "";
      res.on("data", (chunk: string) => {
        body += chunk;
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
          const data = /^data: (.*)$/m.exec(block)?.[1];
          const e = { event, data: data === undefined ? undefined : JSON.parse(data) };
          events.push(e);
          if (!cut) onEvent(e, stop);
        }
      });
      res.on("end", done);
      res.on("error", done);
      res.on("close", done);
    });
    req.on("error", done);
    req.end(JSON.stringify(json));
  });
}

/** The step events a run sends when a node finished: the checkpoint boundaries it crossed. */
export function finishedSteps(events: SseEvent[]): number {
  return events.filter(
    (e) => e.event === "step" && (e.data as { phase?: string }).phase === "finished",
  ).length;
}

/** Every answer must be 2xx or an envelope, and never a 5xx other than an explained 503. */
export function expectSound(a: Answer, what: string): void {
  if (a.status < 300) return;
  expect(isEnvelope(a), `${what}: ${a.status} ${a.text.slice(0, 200)}`).toBe(true);
  if (a.status >= 500) expect(a.status, `${what}: ${a.text.slice(0, 200)}`).toBe(503);
}

export interface ThreadView {
  status: string;
  version: number | null;
  pendingQuestion: unknown;
  versions: { version: number }[];
}

const RESTING = new Set(["new", "ready", "rejected", "needs_clarification", "aborted", "failed"]);

/**
 * Reads the thread until no run holds it (a cut run may still be winding down in a live
 * server); it must then rest, and its versions be 1..n with none missing or doubled.
 */
export async function settledThread(base: string, key: string, id: string): Promise<ThreadView> {
  for (let attempt = 0; ; attempt++) {
    const a = await call(base, `/v1/threads/${id}`, { key });
    expectSound(a, `GET thread ${id}`);
    const view = a.body as ThreadView;
    if (a.status === 200 && RESTING.has(view.status)) {
      expect(view.versions.map((v) => v.version)).toEqual(view.versions.map((_, i) => i + 1));
      return view;
    }
    if (attempt > 300) throw new Error(`thread ${id} never settled: ${a.text.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Sends a message or answer again until it is not refused for the thread being busy (a cut
 * run that is still winding down), and returns the answer.
 */
export async function retry(
  base: string,
  path: string,
  key: string,
  json: unknown,
): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    const a = await call(base, path, { key, json });
    expectSound(a, `POST ${path}`);
    const code = isEnvelope(a) ? a.body.error.code : null;
    const busy = a.status === 409 && code === "thread_busy";
    const shed = code === "overloaded" || code === "tenant_overloaded";
    if ((!busy && !shed) || attempt > 100) return a;
    await new Promise((r) => setTimeout(r, 200));
  }
}
