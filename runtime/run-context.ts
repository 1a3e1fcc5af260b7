/**
 * No LangSmith RunTree per graph step when nothing traces.
 *
 * LangChain runs every runnable call (each LangGraph node, router and channel writer) inside
 * `AsyncLocalStorageProviderSingleton.runWithConfig`, which stores the call's config in
 * AsyncLocalStorage for `getConfig()` and `interrupt()`. Without a LangSmith tracer it still
 * builds a `RunTree` (`tracingEnabled: false`) as the carrier — a uuid7 from the crypto RNG,
 * a dozen environment reads, date strings — and a CPU profile of `npm run bench` with
 * LANGSMITH_TRACING=false put those constructors at 7.9% of the process's CPU.
 *
 * `useLightRunContext()` wraps that method once per process: when the call's callbacks hold no
 * LangSmith tracer, the store is a plain object with exactly what readers look at (the config
 * under `extra[lc:child_config]`, `tracingEnabled: false`, which keeps nested calls untraced as
 * the RunTree did, and the context variables of the enclosing store). With a tracer
 * (LANGSMITH_TRACING=true and a key, or a tracer passed as a callback) the library's own
 * method runs unchanged, so traces are what they were.
 */
import { CallbackManager } from "@langchain/core/callbacks/manager";
import {
  _CONTEXT_VARIABLES_KEY,
  AsyncLocalStorageProviderSingleton,
} from "@langchain/core/singletons";

/** Where LangChain's `getRunnableConfig()` looks for the config (async_local_storage/index.js). */
const LC_CHILD_KEY = Symbol.for("lc:child_config");
const INSTALLED = Symbol.for("segmentation-agent:light-run-context");

type RunWithConfig = typeof AsyncLocalStorageProviderSingleton.runWithConfig;
type Store = Record<PropertyKey, unknown> | undefined;

function hasTracer(
  config: { callbacks?: unknown; tags?: string[]; metadata?: Record<string, unknown> } | undefined,
): boolean {
  // The same resolution the library does first (env tracing adds a tracer here).
  const manager = CallbackManager._configureSync(
    config?.callbacks as Parameters<typeof CallbackManager._configureSync>[0],
    undefined,
    config?.tags,
    undefined,
    config?.metadata,
  );
  return manager?.handlers.some((h) => h.name === "langchain_tracer") ?? false;
}

/** Idempotent; affects every LangChain and LangGraph call in the process. */
export function useLightRunContext(): void {
  const provider =
    AsyncLocalStorageProviderSingleton as typeof AsyncLocalStorageProviderSingleton & {
      [INSTALLED]?: true;
    };
  if (provider[INSTALLED]) return;
  const original: RunWithConfig = provider.runWithConfig.bind(provider);
  provider.runWithConfig = function runWithConfig<T>(
    config: Parameters<RunWithConfig>[0],
    callback: () => T,
    avoidCreatingRootRunTree?: boolean,
  ): T {
    if (hasTracer(config)) return original(config, callback, avoidCreatingRootRunTree);
    const storage = provider.getInstance();
    const previous = storage.getStore() as Store;
    let store: Store = avoidCreatingRootRunTree
      ? undefined
      : { name: "<runnable_lambda>", tracingEnabled: false, extra: { [LC_CHILD_KEY]: config } };
    if (previous?.[_CONTEXT_VARIABLES_KEY] !== undefined) {
      store ??= {};
      store[_CONTEXT_VARIABLES_KEY] = previous[_CONTEXT_VARIABLES_KEY];
    }
    return storage.run(store, callback);
  };
  provider[INSTALLED] = true;
}
