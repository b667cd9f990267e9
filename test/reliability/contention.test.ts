import { describe, expect, it } from "vitest";
import { createOrg } from "../support/orgs";
import { captureSends } from "../support/queue";
import { createTicket, getTicket, rows } from "../support/tickets";

const withKey = (key: string) => ({ "Idempotency-Key": key });

describe("createTicket under contention", () => {
  it("concurrent first tickets of one new customer all succeed and share exactly one customer", async () => {
    const org = await createOrg();
    const spellings = ["New.Person@Example.com", "new.person@example.com", "NEW.PERSON@EXAMPLE.COM"];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => createTicket(org.apiKey, { title: `Race ${i}`, customerEmail: spellings[i % 3] })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(new Set(results.map((r) => r.json.ticketId)).size).toBe(30);

    const customers = await rows<{ id: string }>("select id from customers where organization_id = ?", org.id);
    expect(customers).toHaveLength(1);
    const owners = await rows<{ customer_id: string; n: number }>(
      "select customer_id, count(*) as n from tickets where organization_id = ? group by customer_id",
      org.id,
    );
    expect(owners).toEqual([{ customer_id: customers[0]!.id, n: 30 }]);
  });

  it("idempotent retries racing each other and plain creates: one ticket per key, every answer consistent", async () => {
    const org = await createOrg();
    const keys = Array.from({ length: 6 }, (_, i) => `race-key-${i}`);
    const bodyFor = (key: string) => ({ title: `Ticket for ${key}`, customerEmail: "retry@example.com", priority: "high" });
    // Six retries per key, interleaved round-robin with keyless creates, all started at once.
    type Request = { key: string | null; send: () => ReturnType<typeof createTicket> };
    const requests: Request[] = [];
    for (let round = 0; round < 6; round++) {
      for (const key of keys) requests.push({ key, send: () => createTicket(org.apiKey, bodyFor(key), withKey(key)) });
      if (round < 5) {
        for (const i of [round * 2, round * 2 + 1]) {
          requests.push({ key: null, send: () => createTicket(org.apiKey, { title: `Plain ${i}`, customerEmail: "plain@example.com" }) });
        }
      }
    }
    const answers = await Promise.all(requests.map(async (r) => ({ key: r.key, res: await r.send() })));

    for (const key of keys) {
      const mine = answers.filter((a) => a.key === key).map((a) => a.res);
      const created = mine.filter((r) => r.status === 200 && r.headers.get("idempotency-replayed") === null);
      // Exactly one request created it; every other one replayed it (or was told it is in flight).
      expect(created, key).toHaveLength(1);
      for (const r of mine) {
        expect([200, 409], `${key}: ${r.status} ${r.text}`).toContain(r.status);
        if (r.status === 200) expect(r.json.ticketId).toBe(created[0]!.json.ticketId);
      }
      const stored = await rows<{ title: string }>("select title from tickets where id = ?", created[0]!.json.ticketId);
      expect(stored).toEqual([{ title: `Ticket for ${key}` }]);
    }
    const plain = answers.filter((a) => a.key === null).map((a) => a.res);
    expect(plain.map((r) => r.status)).toEqual(Array(10).fill(200));

    expect(await rows("select count(*) as n from tickets where organization_id = ?", org.id)).toEqual([{ n: keys.length + 10 }]);
    expect(await rows("select count(*) as n from idempotency_keys where organization_id = ?", org.id)).toEqual([{ n: keys.length }]);
  });

  it("the same key with different bodies at once: one ticket, the rest replays of it or 422s", async () => {
    const org = await createOrg();
    const bodies = Array.from({ length: 8 }, (_, i) => ({ title: `Variant ${i % 4}`, customerEmail: "variant@example.com" }));
    const results = await Promise.all(bodies.map((b) => createTicket(org.apiKey, b, withKey("contested"))));
    const tickets = await rows<{ id: string; title: string }>("select id, title from tickets where organization_id = ?", org.id);
    expect(tickets).toHaveLength(1);
    results.forEach((res, i) => {
      if (bodies[i]!.title === tickets[0]!.title) {
        expect([200, 409], res.text).toContain(res.status);
        if (res.status === 200) expect(res.json.ticketId).toBe(tickets[0]!.id);
      } else {
        expect([409, 422], res.text).toContain(res.status);
      }
    });
  });

  it("every acknowledged ticket is in D1 with its messages, outbox and queue message; nothing else is", async () => {
    const org = await createOrg();
    const sends = captureSends();
    const known = await createTicket(org.apiKey, { title: "Seed", customerEmail: "known@example.com" });
    const knownCustomerId = (await getTicket(org.apiKey, known.json.ticketId)).json.ticket.customer.id as string;
    sends.take();

    const chat = [
      { role: "customer", content: "It broke" },
      { role: "agent", content: "What broke?" },
      { role: "customer", content: "Everything 🙃" },
    ];
    const bodies: Record<string, unknown>[] = Array.from({ length: 48 }, (_, i) => {
      switch (i % 6) {
        case 0:
          return { title: `Email ${i}`, customerEmail: `c${i % 5}@example.com` };
        case 1:
          return { title: `Id ${i}`, customerId: knownCustomerId };
        case 2:
          return { title: `Chat ${i}`, customerEmail: "chatty@example.com", messages: chat };
        case 3:
          return { title: `Unknown id ${i}`, customerId: "0190a1b2-0000-7000-8000-000000000000" };
        case 4:
          return { title: "", customerEmail: "blank@example.com" };
        default:
          return { title: `Mismatch ${i}`, customerId: knownCustomerId, customerEmail: "someone-else@example.com" };
      }
    });
    const results = await Promise.all(bodies.map((b) => createTicket(org.apiKey, b)));
    const acknowledged = results.map((res, i) => ({ res, body: bodies[i]! })).filter(({ res }) => res.status === 200);
    // The three valid kinds succeed; the three invalid ones are refused (404, 400, 400).
    expect(acknowledged).toHaveLength(24);
    expect(
      results
        .filter((r) => r.status !== 200)
        .map((r) => r.status)
        .sort(),
    ).toEqual([...Array(16).fill(400), ...Array(8).fill(404)]);

    const queued = sends.take();
    for (const { res, body } of acknowledged) {
      const id = res.json.ticketId as string;
      const [ticket] = await rows<{ title: string }>("select title from tickets where id = ? and organization_id = ?", id, org.id);
      expect(ticket?.title).toBe(body.title);
      const messages = await rows("select role, content from ticket_messages where ticket_id = ? order by position", id);
      expect(messages).toEqual((body.messages as unknown[] | undefined) ?? []);
      const jobs = await rows<{ id: string; kind: string; status: string }>(
        "select id, kind, status from jobs where ticket_id = ? order by kind",
        id,
      );
      expect(jobs.map((j) => [j.kind, j.status])).toEqual([
        ["categorize", "pending"],
        ["notify", "pending"],
      ]);
      expect(queued.filter((m) => m.ticketId === id)).toEqual([{ jobId: jobs[0]!.id, kind: "categorize", ticketId: id, shard: org.shard }]);
    }
    // Nothing beyond what was acknowledged: refused requests left no ticket, job or customer behind.
    expect(await rows("select count(*) as n from tickets where organization_id = ?", org.id)).toEqual([{ n: 24 + 1 }]);
    expect(await rows("select count(*) as n from jobs where organization_id = ?", org.id)).toEqual([{ n: (24 + 1) * 2 }]);
    expect(queued).toHaveLength(24);
    const emails = await rows<{ email_lower: string }>("select email_lower from customers where organization_id = ? order by 1", org.id);
    expect(emails.map((e) => e.email_lower)).toEqual([
      "c0@example.com",
      "c1@example.com",
      "c2@example.com",
      "c3@example.com",
      "c4@example.com",
      "chatty@example.com",
      "known@example.com",
    ]);
  });
});
