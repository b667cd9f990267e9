import type { JobMessage } from "./messages";

/**
 * Hands outbox jobs of shard `shard` to the queue, each message naming the shard so the consumer opens
 * that database. Never throws: the jobs are already durable in D1, and the sweeper re-sends any whose
 * enqueue was lost, so a queue hiccup must not fail a request.
 */
export const enqueueJobs = async (queue: Queue<JobMessage>, shard: number, jobs: JobMessage[]): Promise<boolean> => {
  if (jobs.length === 0) return true;
  const bodies = jobs.map((job) => ({ ...job, shard }));
  try {
    if (bodies.length === 1) await queue.send(bodies[0]!, { contentType: "json" });
    else await queue.sendBatch(bodies.map((body) => ({ body, contentType: "json" as const })));
    return true;
  } catch (err) {
    console.warn(JSON.stringify({ msg: "enqueue failed; sweeper will retry", jobs: jobs.map((j) => j.jobId), error: String(err) }));
    return false;
  }
};
