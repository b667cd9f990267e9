import type { JobMessage } from "./messages";

/**
 * Hands outbox jobs to the queue. Never throws: the jobs are already durable in D1, and
 * the sweeper re-sends any whose enqueue was lost, so a queue hiccup must not fail a request.
 */
export const enqueueJobs = async (queue: Queue<JobMessage>, jobs: JobMessage[]): Promise<boolean> => {
  if (jobs.length === 0) return true;
  try {
    if (jobs.length === 1) await queue.send(jobs[0]!, { contentType: "json" });
    else await queue.sendBatch(jobs.map((body) => ({ body, contentType: "json" as const })));
    return true;
  } catch (err) {
    console.warn(JSON.stringify({ msg: "enqueue failed; sweeper will retry", jobs: jobs.map((j) => j.jobId), error: String(err) }));
    return false;
  }
};
