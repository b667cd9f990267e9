import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import type { JobMessage } from "../../src/jobs/messages";
import { createOrg } from "../support/orgs";
import { captureSends, runCron } from "../support/queue";
import { rows } from "../support/tickets";
import { jsonPost } from "../support/http";

/** A queue whose send waits until the test releases it, then succeeds or fails. */
const gatedQueue = () => {
  let release!: (ok: boolean) => void;
  const gate = new Promise<boolean>((resolve) => (release = resolve));
  const sent: JobMessage[] = [];
  const binding = {
    send: async (body: JobMessage) => {
      if (!(await gate)) throw new Error("Queue send failed: upstream unavailable");
      sent.push(body);
    },
    sendBatch: async () => {
      throw new Error("unexpected sendBatch");
    },
  } as unknown as Queue<JobMessage>;
  return { binding, release, sent };
};

const create = (apiKey: string) =>
  jsonPost("/api/ext-v1/ticket/createTicket", apiKey, { title: "Fast answer", customerEmail: "fast@example.com" });

describe("the queue send happens after the response", () => {
  it("createTicket answers while the queue send is still blocked", async () => {
    const org = await createOrg();
    const queue = gatedQueue();
    const ctx = createExecutionContext();
    const res = await worker.fetch(create(org.apiKey), { ...env, JOBS: queue.binding }, ctx);
    // The response is complete although the send has not finished.
    expect(res.status).toBe(200);
    const { ticketId } = (await res.json()) as { ticketId: string };
    expect(queue.sent).toEqual([]);
    queue.release(true);
    await waitOnExecutionContext(ctx);
    expect(queue.sent).toEqual([{ jobId: expect.any(String), kind: "categorize", ticketId, shard: org.shard }]);
  });

  it("a send that then fails is logged, and the sweeper recovers the job from the outbox", async () => {
    const org = await createOrg();
    const queue = gatedQueue();
    const warn = vi.spyOn(console, "warn");
    const ctx = createExecutionContext();
    const res = await worker.fetch(create(org.apiKey), { ...env, JOBS: queue.binding }, ctx);
    expect(res.status).toBe(200);
    const { ticketId } = (await res.json()) as { ticketId: string };
    queue.release(false);
    await waitOnExecutionContext(ctx);
    expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringContaining("enqueue failed; sweeper will retry"));

    const sends = captureSends();
    await runCron(Date.now() + 11 * 60_000);
    const [job] = await rows<{ id: string }>("select id from jobs where ticket_id = ? and kind = 'categorize'", ticketId);
    expect(sends.take()).toContainEqual({ jobId: job!.id, kind: "categorize", ticketId, shard: org.shard });
  });
});
