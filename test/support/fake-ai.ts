import { env } from "cloudflare:workers";
import { vi } from "vitest";

/** One call the worker made to the AI binding, in the terms a test asserts on. */
export type AiCall = {
  model: string;
  system: string;
  prompt: string;
  /** The enum of the JSON schema the model was constrained to. */
  choices: string[];
  maxTokens: number;
};

export type AiBehaviour = (call: AiCall) => unknown;

const toCall = (model: string, inputs: any): AiCall => ({
  model,
  system: inputs.messages?.[0]?.content,
  prompt: inputs.messages?.[1]?.content,
  choices: inputs.response_format?.json_schema?.properties?.category?.enum,
  maxTokens: inputs.max_tokens,
});

/** A stand-in for the Workers AI binding: an object with `run()`, answering as `behaviour` says. */
export const fakeAi = (behaviour: AiBehaviour) => {
  const calls: AiCall[] = [];
  const binding = {
    run: async (model: string, inputs: unknown) => {
      const call = toCall(model, inputs);
      calls.push(call);
      return behaviour(call);
    },
  };
  return { binding: binding as unknown as Ai, calls };
};

/**
 * For runs through the real local queue, whose consumer gets the runtime's own `env`: that is
 * the very object tests import from `cloudflare:workers` (the worker runs in the test isolate),
 * so replacing `run` on its AI binding reaches the consumer too. Undone after each test (restoreMocks in vitest.config.ts).
 */
export const installFakeAi = (behaviour: AiBehaviour) => {
  const fake = fakeAi(behaviour);
  vi.spyOn(env.AI!, "run").mockImplementation(fake.binding.run as never);
  return fake;
};

export const answer =
  (category: string): AiBehaviour =>
  () => ({ response: { category } });

export const failWith =
  (message: string): AiBehaviour =>
  () => {
    throw new Error(message);
  };
