/**
 * The conversation: one thread is one conversation, each message a turn. A message is
 * classified against the session's state machine and runs creation (NSC) or editing (DSE) as
 * subgraphs; a question either flow raises is put to the user here, and the answer runs the
 * flow again; a finished segment becomes the next version of the thread's lineage.
 * Wiring only; each node lives in nodes/, each router in graphs/conversation-routes.ts.
 */
import { END, START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import { askIntent } from "../nodes/ask-intent.ts";
import { awaitAnswer } from "../nodes/await-answer.ts";
import { commitVersion } from "../nodes/commit-version.ts";
import { explainSegment } from "../nodes/explain-segment.ts";
import { perceiveMessage } from "../nodes/perceive-message.ts";
import { poseQuestion } from "../nodes/pose-question.ts";
import { refuseMessage } from "../nodes/refuse-message.ts";
import { rejectTurn } from "../nodes/reject-turn.ts";
import { ConversationInput, ConversationState } from "../state/conversation-state.ts";
import {
  routeAfterAnswer,
  routeAfterAside,
  routeAfterIntent,
  routeAfterTurn,
} from "./conversation-routes.ts";
import { dseBuilder } from "./dse.ts";
import { buildNsc, nscBuilder } from "./nsc.ts";

/**
 * The conversation's wiring. `checkpointSubgraphs: false` (the default, CHECKPOINTS=turns)
 * runs creation's and editing's inner steps without checkpoints of their own: a turn never
 * resumes from inside them, a cut turn runs again from the thread's last resting state, and a
 * run writes half the statements. `true` (CHECKPOINTS=steps) checkpoints every inner step.
 */
export interface ConversationWiring {
  checkpointSubgraphs: boolean;
  /** Creation's date tagging and linking side by side (the product) or one after the other. */
  languageSteps?: "parallel" | "sequential";
}

export function buildConversation(opts: ConversationWiring) {
  const inner = opts.checkpointSubgraphs ? {} : { checkpointer: false as const };
  const nsc =
    opts.languageSteps === "sequential" ? buildNsc({ languageSteps: "sequential" }) : nscBuilder;
  // The input schema is what a caller sends (Studio's form); the state holds the conversation.
  return (
    new StateGraph({ stateSchema: ConversationState, input: ConversationInput })
      .addNode("perceiveMessage", perceiveMessage)
      .addNode("nsc", nsc.compile(inner))
      .addNode("dse", dseBuilder.compile(inner))
      .addNode("explainSegment", explainSegment)
      .addNode("askIntent", askIntent)
      .addNode("poseQuestion", poseQuestion)
      .addNode("awaitAnswer", awaitAnswer)
      .addNode("commitVersion", commitVersion)
      .addNode("rejectTurn", rejectTurn)
      .addNode("refuseMessage", refuseMessage)
      .addEdge(START, "perceiveMessage")
      // The session's state machine decides what the message may do.
      .addConditionalEdges("perceiveMessage", routeAfterIntent, [
        "nsc",
        "dse",
        "explainSegment",
        "askIntent",
        "refuseMessage",
      ])
      .addConditionalEdges("nsc", routeAfterTurn, ["poseQuestion", "commitVersion", "rejectTurn"])
      .addConditionalEdges("dse", routeAfterTurn, ["poseQuestion", "commitVersion", "rejectTurn"])
      .addEdge("askIntent", "poseQuestion")
      // The session enters needs_clarification in its own step, so the checkpoint taken while
      // waiting for the answer says so.
      .addEdge("poseQuestion", "awaitAnswer")
      .addConditionalEdges("awaitAnswer", routeAfterAnswer, ["nsc", "dse"])
      .addEdge("commitVersion", END)
      // A question that was waiting when the message came is still open: it is put again.
      .addConditionalEdges("explainSegment", routeAfterAside, ["awaitAnswer", END])
      .addEdge("rejectTurn", END)
      .addConditionalEdges("refuseMessage", routeAfterAside, ["awaitAnswer", END])
  );
}

export const conversationBuilder = buildConversation({ checkpointSubgraphs: false });

/** Without a checkpointer: a host supplies its own (`graphs/studio.ts` serves langgraph.json). */
export const graph = conversationBuilder.compile();
graph.name = "Segmentation conversation";

/** For the CLI and the server: checkpoints in Postgres so a conversation resumes anywhere. */
export function createConversationGraph(
  checkpointer: BaseCheckpointSaver,
  opts: ConversationWiring = { checkpointSubgraphs: false },
) {
  const builder =
    !opts.checkpointSubgraphs && opts.languageSteps !== "sequential"
      ? conversationBuilder
      : buildConversation(opts);
  const compiled = builder.compile({ checkpointer });
  compiled.name = "Segmentation conversation";
  return compiled;
}
