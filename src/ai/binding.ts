/**
 * The one method of the Workers AI binding we use. The binding's own `run` is a set of generic
 * overloads keyed by model name; the model comes from configuration, so we call it through this
 * narrower shape. Tests hand in any object with a `run` method.
 */
export type TextGenerator = {
  run(model: string, inputs: Record<string, unknown>, options?: { signal?: AbortSignal }): Promise<unknown>;
};

export const textGenerator = (binding: Ai | undefined): TextGenerator | undefined =>
  binding as unknown as TextGenerator | undefined;

/** AI cannot answer at all here (local dev, tests, misconfiguration): retrying would not help. */
export class AiUnavailableError extends Error {}

// Miniflare's local AI binding throws "Binding AI needs to be run remotely"; an unknown model or
// a missing account is just as final. Anything else (capacity, timeouts, 5xx) is worth a retry.
const UNAVAILABLE = /run remotely|not supported|not available|no such model|authentication|unauthori[sz]ed/i;

export const isUnavailable = (err: unknown): boolean =>
  err instanceof AiUnavailableError || UNAVAILABLE.test(String(err));
