import { classifyWithAi } from "../ai/ai-classifier";
import { AiAnswerError, AiUnavailableError, isUnavailable } from "../ai/binding";
import { similarExamples } from "../ai/examples";
import { classifyLearned } from "../ai/learned-classifier";
import { ticketTerms } from "../ai/terms";
import type { CategorizeContext } from "../db/job-context";
import type { CATEGORY_SOURCES } from "../db/schema";
import { backoffSeconds } from "./backoff";
import type { PipelineDeps } from "./deps";

/**
 * Deliveries of one categorize job that may use Workers AI; the last of them falls back to the
 * built-in classifier instead of retrying. Kept below the queue's max_retries (5, i.e. 6
 * deliveries) so AI trouble alone never sends a ticket to the dead-letter queue.
 */
export const AI_ATTEMPTS = 3;

let announcedNoAi = false;

export type CategoryChoice = {
  category: string | null;
  source: (typeof CATEGORY_SOURCES)[number] | null;
  /** The built-in classifier's probability for its choice; null for any other source. */
  confidence: number | null;
};
type Decision = ({ kind: "chosen" } & CategoryChoice) | { kind: "retry"; delaySeconds: number; error: string };

/** Categories a classifier may pick: active, open to AI, and meant for tickets. */
export const aiCandidates = (ctx: Pick<CategorizeContext, "categories">) =>
  ctx.categories.filter((c) => c.active && c.aiEnabled && (c.appliesTo === "ticket" || c.appliesTo === "any"));

// A category is only credited to a classifier that actually found one.
const chosen = (category: string | null, source: "ai" | "fallback", confidence: number | null = null): Decision => ({
  kind: "chosen",
  category,
  source: category ? source : null,
  confidence: category ? confidence : null,
});

/**
 * Step 1 of the pipeline. A category named by the request stands. Otherwise Workers AI chooses;
 * a transient AI failure is retried with backoff until the last AI attempt; when AI is
 * unavailable, out of attempts, or not allowed (`useAi` false), the organization's learned
 * classifier decides (src/ai/learned-classifier.ts); the AI's prompt carries the organization's
 * labelled tickets most like this one.
 */
export const chooseCategory = async (deps: PipelineDeps, ctx: CategorizeContext, attempt: number, useAi: boolean): Promise<Decision> => {
  const { ticket } = ctx;
  if (ticket.categorization === "skipped" && ticket.category) {
    return { kind: "chosen", category: ticket.category, source: "request", confidence: null };
  }
  // Set by hand through updateTicket (even while this job was pending): no classifier overrides it.
  if (ticket.categorySource === "manual") return { kind: "chosen", category: ticket.category, source: "manual", confidence: null };
  const options = aiCandidates(ctx);
  if (options.length === 0) return { kind: "chosen", category: null, source: null, confidence: null };
  const text = { title: ticket.title, description: ticket.description, messages: ctx.messages };
  // Stored at create; computed here for tickets older than the learned classifier.
  const terms = ticket.terms ?? ticketTerms(text);

  if (useAi) {
    try {
      const examples = similarExamples(terms, ctx.examples, options);
      return chosen(await classifyWithAi(deps.ai, deps.aiModel, text, options, examples), "ai");
    } catch (err) {
      const error = String(err).slice(0, 300);
      if (!isUnavailable(err) && attempt < AI_ATTEMPTS) {
        return { kind: "retry", delaySeconds: backoffSeconds(attempt), error: `ai: ${error}` };
      }
      // Where there is no AI at all (local dev, no binding), say so once per isolate, not per ticket;
      // anything else (a bad answer, quota, capacity) is worth a line each time.
      const noAiHere = (err instanceof AiUnavailableError && !(err instanceof AiAnswerError)) || /run remotely/.test(error);
      if (!noAiHere || !announcedNoAi) {
        console.warn(JSON.stringify({ msg: "fallback classifier decides", ticketId: ticket.id, attempt, error }));
        announcedNoAi ||= noAiHere;
      }
    }
  }
  const prediction = classifyLearned(terms, options, ctx.learned);
  return chosen(prediction.category, "fallback", prediction.confidence);
};
