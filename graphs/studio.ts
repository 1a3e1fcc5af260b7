/**
 * The conversation graph as `langgraph.json` serves it (`npm run studio`, LangGraph Studio).
 *
 * The dev server imports this module and runs the exported graph with its own in-memory
 * checkpointer; it can pass a run only JSON, never the live services the nodes need. So the
 * services are built here, once, when the server loads the module (environment parsed once,
 * database opened, every available tenant loaded), and registered as the process-wide
 * default context, with the first available tenant as the default tenant. A run that passes
 * its own context (the CLI, the tests) still uses that one.
 *
 * Input: `{ "message": "customers from Ireland" }`, optionally with `"tenant"` (default: the
 * first available, online-retail) and `"asOf"` (default: the tenant's as-of date). A
 * clarifying question interrupts the run; resume it with the option number or free text. A
 * later message on the same thread is a follow-up: an edit of the segment, or a new one.
 */
import { startServices } from "../runtime/services.ts";
import { parseEnv } from "../state/config.ts";
import { setDefaultContext } from "../state/context.ts";
import { conversationBuilder } from "./conversation.ts";

const services = await startServices(parseEnv());
setDefaultContext({ ...services.context, defaultTenant: services.defaultTenant });

/** Compiled without a checkpointer: the dev server attaches its own. */
export const graph = conversationBuilder.compile();
graph.name = "Segmentation conversation";
