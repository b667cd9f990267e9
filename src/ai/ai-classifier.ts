import { z } from "zod";
import { AiUnavailableError, type TextGenerator } from "./binding";
import { buildPrompt, NO_CATEGORY, SYSTEM_PROMPT } from "./prompt";
import type { CategoryOption, TicketText } from "./types";

// A hung model call must not hold a queue message until its visibility timeout.
const AI_TIMEOUT_MS = 15_000;

const answerSchema = z.object({ category: z.string() });

// JSON mode returns the object itself; some models still return it as a JSON string.
const responseSchema = z.object({
  response: z.union([
    answerSchema,
    z.string().transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "not JSON" });
        return z.NEVER;
      }
    }).pipe(answerSchema),
  ]),
});

/**
 * Asks Workers AI to pick one of `options` (JSON mode, enum-constrained). Returns the chosen
 * option's name, or null for "none" and for any answer outside the list. Throws on failure:
 * `AiUnavailableError` when there is no binding, the binding's own error otherwise.
 */
export const classifyWithAi = async (
  ai: TextGenerator | undefined,
  model: string,
  ticket: TicketText,
  options: readonly CategoryOption[],
): Promise<string | null> => {
  if (!ai) throw new AiUnavailableError("No AI binding");
  const raw = await ai.run(model, {
    messages: [
      { role: "system", content: SYSTEM_PROMPT },
      { role: "user", content: buildPrompt(ticket, options) },
    ],
    response_format: {
      type: "json_schema",
      json_schema: {
        type: "object",
        properties: { category: { type: "string", enum: [...options.map((o) => o.name), NO_CATEGORY] } },
        required: ["category"],
      },
    },
    temperature: 0,
    max_tokens: 64,
  }, { signal: AbortSignal.timeout(AI_TIMEOUT_MS) });
  const parsed = responseSchema.safeParse(raw);
  if (!parsed.success) return null;
  const answer = parsed.data.response.category.trim().toLowerCase();
  return options.find((o) => o.name.toLowerCase() === answer)?.name ?? null;
};
