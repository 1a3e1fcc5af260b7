/**
 * `npm run eval:memory`: the multi-conversation eval. A checked-in sequence of conversations
 * (evals/datasets/memory-conversations.jsonl), each a request and the answer its user gives
 * to each question it raises (by question key), is run twice through the real graph: without
 * memory (nobody named) and with it (one user across every conversation, so later ones can
 * reuse what earlier ones were told). Prints questions asked per conversation side by side,
 * and whether both runs ended with the same segment (members compared by execution).
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { runRequest, type RunResult } from "../runtime/run.ts";
import { startServices, type Services } from "../runtime/services.ts";
import { parseEnv } from "../state/config.ts";
import { markdownTable } from "./report.ts";

const Conversation = z.object({
  id: z.string(),
  tenant: z.string().default("online-retail"),
  query: z.string(),
  /** The option (1-based) or free text the user answers to each question key. */
  answers: z.record(z.string(), z.union([z.number().int().min(1), z.string()])),
});
type Conversation = z.infer<typeof Conversation>;

/** Questions one conversation may raise before the eval gives up on it. */
const MAX_QUESTIONS = 5;

interface Outcome {
  questions: number;
  recalled: number;
  status: RunResult["status"];
  members: string[];
}

async function converse(services: Services, c: Conversation, user?: string): Promise<Outcome> {
  let result = await runRequest(services, {
    tenant: c.tenant,
    request: c.query,
    members: true,
    ...(user ? { user } : {}),
  });
  let questions = 0;
  while (result.status === "needs_clarification" && questions < MAX_QUESTIONS) {
    questions++;
    const key = result.clarification!.key;
    const answer = c.answers[key];
    if (answer === undefined) throw new Error(`${c.id}: no scripted answer for question ${key}`);
    result = await runRequest(services, {
      threadId: result.thread_id,
      answer,
      members: true,
      ...(user ? { user } : {}),
    });
  }
  return {
    questions,
    recalled: result.recalled.length,
    status: result.status,
    members: result.members ?? [],
  };
}

async function main(): Promise<void> {
  const file = join(import.meta.dirname, "datasets", "memory-conversations.jsonl");
  const conversations = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => Conversation.parse(JSON.parse(l)));
  const services = await startServices(parseEnv());
  // A fresh user per run: nothing an earlier run of the eval taught is in reach.
  const user = `eval-memory-${randomUUID()}`;
  const rows: string[][] = [];
  let without = 0;
  let withMemory = 0;
  let same = 0;
  try {
    for (const c of conversations) {
      const off = await converse(services, c);
      const on = await converse(services, c, user);
      without += off.questions;
      withMemory += on.questions;
      const equal =
        off.status === on.status && JSON.stringify(off.members) === JSON.stringify(on.members);
      if (equal) same++;
      rows.push([
        c.id,
        c.query,
        String(off.questions),
        String(on.questions),
        String(on.recalled),
        `${on.status}${equal ? "" : " (differs)"}`,
        String(on.members.length),
      ]);
    }
  } finally {
    await services.memory.erase(conversations[0]?.tenant ?? "online-retail", user, "user");
    await services.close();
  }
  const head = [
    "id",
    "conversation",
    "asked without memory",
    "asked with memory",
    "recalled",
    "status",
    "members",
  ];
  console.log(markdownTable(head, rows));
  const n = conversations.length;
  console.log(
    `\n${n} conversations: ${without} questions without memory (${(without / n).toFixed(2)} per conversation), ${withMemory} with (${(withMemory / n).toFixed(2)}); same segment both ways in ${same}/${n}.`,
  );
  if (same !== n) process.exitCode = 1;
}

await main();
