import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import worker from "../../src/index";
import type { Env } from "../../src/env";
import type { JobMessage } from "../../src/jobs/messages";

export const JOBS_QUEUE = "ticket-intake-jobs";
export const DEAD_LETTER_QUEUE = "ticket-intake-jobs-dlq";

/**
 * Keeps the worker's queue sends in the test instead of on the real local queue, so a test
 * drives the consumer itself with exactly the messages the worker produced.
 */
export const captureSends = () => {
  // The worker's view of the binding: wrangler types cannot know what the queue carries.
  const jobs: Env["JOBS"] = env.JOBS;
  const sent: JobMessage[] = [];
  const delays = new Map<string, number | undefined>();
  vi.spyOn(jobs, "send").mockImplementation(async (body, options) => {
    sent.push(body);
    delays.set(body.jobId, options?.delaySeconds);
    return undefined as never;
  });
  vi.spyOn(jobs, "sendBatch").mockImplementation(async (messages) => {
    for (const m of messages) sent.push(m.body);
    return undefined as never;
  });
  /** The messages sent since the last take. */
  const take = () => sent.splice(0);
  /** The delay the last send of this job asked for. */
  const delayOf = (jobId: string) => delays.get(jobId);
  return { take, delayOf };
};

/**
 * Runs the worker's queue handler on a real message batch and returns what it acked and
 * retried, with the delay asked for each retried message id. `attempts` is the delivery number the queue would report.
 */
export const runQueue = async (messages: JobMessage[], opts: { attempts?: number; queue?: string; env?: Partial<Env> } = {}) => {
  const batch = createMessageBatch<JobMessage>(
    opts.queue ?? JOBS_QUEUE,
    messages.map((body, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts: opts.attempts ?? 1, body })),
  );
  // getQueueResult does not report retry delays; watch the calls for them.
  const delays: Record<string, number | undefined> = {};
  for (const m of batch.messages) {
    const retry = m.retry.bind(m);
    vi.spyOn(m, "retry").mockImplementation((options) => {
      delays[m.id] = options?.delaySeconds;
      retry(options);
    });
  }
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<unknown>, { ...env, ...opts.env });
  return { ...(await getQueueResult(batch, ctx)), delays };
};

/** Polls until `read` returns something `done` accepts; for results of the real local queue. */
export const eventually = async <T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** Runs the worker's cron handler as if the trigger fired at `time`. */
export const runCron = (time: number) => worker.scheduled(createScheduledController({ scheduledTime: time, cron: "* * * * *" }), env);
