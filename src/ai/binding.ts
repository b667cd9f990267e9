/**
 * The one method of the Workers AI binding we use. The binding's own `run` is a set of generic
 * overloads keyed by model name; the model comes from configuration, so we call it through this
 * narrower shape. Tests hand in any object with a `run` method.
 */
export type TextGenerator = {
  run(model: string, inputs: Record<string, unknown>, options?: { signal?: AbortSignal }): Promise<unknown>;
};

export const textGenerator = (binding: Ai | undefined): TextGenerator | undefined => binding as unknown as TextGenerator | undefined;

/** AI cannot answer at all here (local dev, tests, misconfiguration): retrying would not help. */
export class AiUnavailableError extends Error {}

/**
 * AI answered, but not with one of the choices in the schema (truncated or invalid JSON, a model
 * that ignored `response_format`, a name outside the enum). Asked again at temperature 0 it would
 * answer the same, so it is as final as an unavailable AI: the fallback classifier decides now.
 */
export class AiAnswerError extends AiUnavailableError {}

// Miniflare's local AI binding throws "Binding AI needs to be run remotely"; an unknown model or
// a missing account is just as final, and so are the account-level codes of Workers AI's error
// table (https://developers.cloudflare.com/workers-ai/platform/errors/): 3036 daily allocation used
// up, 3023 service unavailable for the account, 3042 invalid model. Anything else (3040 capacity,
// timeouts, 5xx) is worth a retry.
const UNAVAILABLE = /run remotely|not supported|not available|no such model|authentication|unauthori[sz]ed|\b(3023|3036|3042)\b/i;

export const isUnavailable = (err: unknown): boolean => err instanceof AiUnavailableError || UNAVAILABLE.test(String(err));
