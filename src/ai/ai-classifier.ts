import * as z from "zod/mini";
import { AiAnswerError, AiUnavailableError, type TextGenerator } from "./binding";
import { buildPrompt, NO_CATEGORY, SYSTEM_PROMPT } from "./prompt";
import type { CategoryOption, TicketText } from "./types";

// A hung model call must not hold a queue message until its visibility timeout.
const AI_TIMEOUT_MS = 15_000;

const answerSchema = z.object({ category: z.string() });

// JSON mode returns the object itself; some models still return it as a JSON string.
const responseSchema = z.object({
  response: z.union([
    answerSchema,
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((s, ctx) => {
          try {
            return JSON.parse(s) as unknown;
          } catch {
            ctx.issues.push({ code: "custom", message: "not JSON", input: s });
            return z.NEVER;
          }
        }),
      ),
      answerSchema,
    ),
  ]),
});

const utf8 = new TextEncoder();

/**
 * Output tokens for `{"category":"<name>"}`: the JSON around the name, plus the longest candidate
 * name counted in UTF-8 bytes. A token is at least one byte and non-Latin scripts can take about
 * one token per byte, so the longest name always fits, whatever its script (a fixed 64 could cut
 * a long Cyrillic or CJK name mid-string and leave JSON that does not parse).
 */
export const answerTokenBudget = (options: readonly CategoryOption[]) =>
  16 + Math.max(NO_CATEGORY.length, ...options.map((o) => utf8.encode(o.name).length));

/**
 * Asks Workers AI to pick one of `options` (JSON mode, enum-constrained). Returns the chosen
 * option's name, or null when it answers "none". Throws on failure: `AiUnavailableError` when
 * there is no binding, `AiAnswerError` for an answer that is not one of the choices (JSON mode is
 * not guaranteed), the binding's own error otherwise.
 */
export const classifyWithAi = async (
  ai: TextGenerator | undefined,
  model: string,
  ticket: TicketText,
  options: readonly CategoryOption[],
  examples: readonly { title: string; category: string }[] = [],
): Promise<string | null> => {
  if (!ai) throw new AiUnavailableError("No AI binding");
  const raw = await ai.run(
    model,
    {
      messages: [
        { role: "system", content: SYSTEM_PROMPT },
        { role: "user", content: buildPrompt(ticket, options, examples) },
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
      max_tokens: answerTokenBudget(options),
    },
    { signal: AbortSignal.timeout(AI_TIMEOUT_MS) },
  );
  const parsed = responseSchema.safeParse(raw);
  if (!parsed.success) throw new AiAnswerError(`answer is not the schema: ${JSON.stringify(raw)?.slice(0, 200)}`);
  const answer = parsed.data.response.category.trim().toLowerCase();
  if (answer === NO_CATEGORY) return null;
  const chosen = options.find((o) => o.name.toLowerCase() === answer);
  if (!chosen) throw new AiAnswerError(`answer is not one of the choices: ${JSON.stringify(answer).slice(0, 200)}`);
  return chosen.name;
};
