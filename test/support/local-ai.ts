/** What every Workers AI call answers under `wrangler dev --local` (npm run dev): it has no local mode. */
export const LOCAL_AI_ERROR = "Binding AI needs to be run remotely";

/**
 * The binding the tests see answers exactly that, from here. The runtime's own local binding throws
 * it too, but from a proxy service of its own, which the runtime also prints as an uncaught
 * exception with a stack trace on every call, though the worker catches the error and the learned
 * classifier decides: noise in a passing run. A test that wants AI answers installs a fake over this
 * one (test/support/fake-ai.ts); restoring it after the test brings this one back, never the runtime's.
 */
export const localAiRun = async (): Promise<never> => {
  throw new Error(LOCAL_AI_ERROR);
};

/** Puts the stand-in on the binding the worker and its queue consumer read (they share the test isolate). */
export const useLocalAi = (ai: Ai) => Object.defineProperty(ai, "run", { value: localAiRun, writable: true, configurable: true });
