import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { capturingQueue, fetchWithEnv } from "../support/counting";
import { createOrg, type TestOrg } from "../support/orgs";
import { withShardDb } from "../support/shards";
import { rows } from "../support/tickets";
import { jsonPost } from "../support/http";

/**
 * The D1 binding with its sessions' first batch failing with `message`, before it runs or after it
 * committed (the answer lost on the way back, which a client cannot tell apart).
 */
const failingOnce = (org: TestOrg, message: string, when: "before" | "after") => {
  let failed = false;
  let batches = 0;
  const session = (s: D1DatabaseSession): D1DatabaseSession =>
    new Proxy(s, {
      get(target, prop) {
        if (prop === "batch") {
          return async (statements: D1PreparedStatement[]) => {
            batches++;
            if (failed) return target.batch(statements);
            failed = true;
            if (when === "after") await target.batch(statements);
            throw new Error(`D1_ERROR: ${message}`);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const binding = new Proxy(org.db, {
    get(target, prop) {
      if (prop === "withSession") return (constraint?: string) => session(target.withSession(constraint));
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { binding, batches: () => batches };
};

const create = async (org: TestOrg, db: D1Database, headers: Record<string, string> = {}) => {
  const queue = capturingQueue(env.JOBS);
  const res = await fetchWithEnv(
    jsonPost(
      "/api/ext-v1/ticket/createTicket",
      org.apiKey,
      { title: "Flaky network", customerEmail: "flaky@example.com", messages: [{ role: "customer", content: "hi" }] },
      headers,
    ),
    { ...withShardDb(org.shard, db), JOBS: queue.binding },
  );
  return { status: res.status, json: (await res.json()) as { ticketId: string }, sent: queue.messages };
};

const stored = async (organizationId: string) => ({
  tickets: await rows<{ id: string }>("select id from tickets where organization_id = ?", organizationId),
  messages: await rows(
    "select m.position from ticket_messages m join tickets t on t.id = m.ticket_id where t.organization_id = ?",
    organizationId,
  ),
  events: await rows("select e.type from ticket_events e where e.organization_id = ?", organizationId),
  jobs: await rows("select kind from jobs where organization_id = ?", organizationId),
});

describe("createTicket on a transient D1 error", () => {
  it.each(["Network connection lost.", "storage caused object to be reset.", "reset because its code was updated."])(
    "retries once after %s and creates the ticket",
    async (message) => {
      const org = await createOrg();
      const d1 = failingOnce(org, message, "before");
      const res = await create(org, d1.binding);
      expect(res.status).toBe(200);
      expect(d1.batches()).toBe(2);
      const s = await stored(org.id);
      expect(s.tickets.map((t) => t.id)).toEqual([res.json.ticketId]);
      expect(res.sent).toEqual([{ jobId: expect.any(String), kind: "categorize", ticketId: res.json.ticketId, shard: org.shard }]);
    },
  );

  it("recognises a first attempt that committed after all: one ticket, not two", async () => {
    const org = await createOrg();
    const res = await create(org, failingOnce(org, "Network connection lost.", "after").binding);
    expect(res.status).toBe(200);
    const s = await stored(org.id);
    expect(s.tickets.map((t) => t.id)).toEqual([res.json.ticketId]);
    expect(s.messages).toHaveLength(1);
    expect(s.events).toHaveLength(1);
    expect(s.jobs).toHaveLength(2);
    expect(res.sent).toEqual([{ jobId: expect.any(String), kind: "categorize", ticketId: res.json.ticketId, shard: org.shard }]);
  });

  it("recognises it with an Idempotency-Key too, answering as a creation, not a replay", async () => {
    const org = await createOrg();
    const res = await create(org, failingOnce(org, "Network connection lost.", "after").binding, { "idempotency-key": "flaky-1" });
    expect(res.status).toBe(200);
    expect((await stored(org.id)).tickets.map((t) => t.id)).toEqual([res.json.ticketId]);
    expect(res.sent).toHaveLength(1);
  });

  it("does not retry an error D1 does not call transient", async () => {
    const org = await createOrg();
    const d1 = failingOnce(org, "SQLITE_CONSTRAINT: something else", "before");
    const res = await create(org, d1.binding);
    expect(res.status).toBe(500);
    expect(d1.batches()).toBe(1);
    expect((await stored(org.id)).tickets).toEqual([]);
  });
});
