import { describe, expect, it } from "vitest";
import { countingD1, fetchWithEnv } from "../support/counting";
import { ADD_MESSAGES, addMessages, eventsOf, storedTicket, updateTicket } from "../support/lifecycle";
import { createOrg } from "../support/orgs";
import { withShardDb } from "../support/shards";
import { createTicket, getTicket, rows } from "../support/tickets";
import { admin, jsonPost } from "../support/http";

const customer = (content: string) => ({ role: "customer", content });
const agent = (content: string) => ({ role: "agent", content });

describe("addMessages", () => {
  it("appends after the existing messages, in order, and answers with the count", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey, { messages: [customer("one"), agent("two")] });
    const res = await addMessages(org.apiKey, { ticketId: id, messages: [customer("three"), { role: "bot", content: "four" }] });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ success: true, ticketId: id, messageCount: 4 });
    expect((await getTicket(org.apiKey, id)).json.ticket.messages.map((m: { content: string }) => m.content)).toEqual([
      "one",
      "two",
      "three",
      "four",
    ]);
    const stored = await rows<{ position: number }>("select position from ticket_messages where ticket_id = ? order by position", id);
    expect(stored.map((r) => r.position)).toEqual([0, 1, 2, 3]);
  });

  it("records a message_added event saying how many and from which position", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey, { messages: [customer("one")] });
    await addMessages(org.apiKey, { ticketId: id, messages: [agent("a"), agent("b")] });
    const [, added] = await eventsOf(org.apiKey, id);
    expect(added).toMatchObject({
      type: "message_added",
      actor: { type: "api", keyPrefix: org.apiKey.slice(0, 12) },
      data: { count: 2, fromPosition: 1, reopenedFrom: null },
    });
  });

  it.each(["resolved", "waiting_for_customer"])("a customer message sets a %s ticket back to open", async (status) => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    await updateTicket(org.apiKey, { ticketId: id, status });
    await addMessages(org.apiKey, { ticketId: id, messages: [customer("still broken")] });
    expect((await getTicket(org.apiKey, id)).json.ticket.status).toBe("open");
    const events = await eventsOf(org.apiKey, id);
    expect(events.slice(-2).map(({ type, data }) => ({ type, data }))).toEqual([
      { type: "message_added", data: { count: 1, fromPosition: 0, reopenedFrom: status } },
      { type: "status_changed", data: { from: status, to: "open", reason: "customer_reply" } },
    ]);
  });

  it.each([
    ["an agent message on a resolved ticket", "resolved", [agent("closing note")], "resolved"],
    ["a customer message on an in_progress ticket", "in_progress", [customer("any news?")], "in_progress"],
  ])("%s leaves the status alone", async (_, status, messages, expected) => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    await updateTicket(org.apiKey, { ticketId: id, status });
    await addMessages(org.apiKey, { ticketId: id, messages });
    expect((await getTicket(org.apiKey, id)).json.ticket.status).toBe(expected);
    expect((await eventsOf(org.apiKey, id)).filter((e) => e.type === "status_changed")).toHaveLength(1);
  });

  it("400 for no messages, more than 100, or a message out of bounds", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    for (const messages of [
      [],
      Array.from({ length: 101 }, () => agent("x")),
      [customer("")],
      [customer("x".repeat(10_001))],
      [{ role: "system", content: "x" }],
    ]) {
      const res = await addMessages(org.apiKey, { ticketId: id, messages });
      expect(res.status).toBe(400);
      expect(res.json.issues![0]!.path).toMatch(/^messages/);
    }
    expect(await rows("select 1 from ticket_messages where ticket_id = ?", id)).toEqual([]);
  });

  it("a ticket holds at most 1,000 messages: the call that would pass it is a 400 and adds nothing", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    const hundred = Array.from({ length: 100 }, (_, i) => agent(`m${i}`));
    for (let i = 0; i < 10; i++) expect((await addMessages(org.apiKey, { ticketId: id, messages: hundred })).status).toBe(200);
    const over = await addMessages(org.apiKey, { ticketId: id, messages: [customer("one more")] });
    expect(over.status).toBe(400);
    expect(over.json.issues).toEqual([{ path: "messages", message: expect.stringContaining("1000") }]);
    expect((await rows<{ n: number }>("select count(*) as n from ticket_messages where ticket_id = ?", id))[0]!.n).toBe(1000);
  });

  it("404 for an unknown ticket and for another organization's, which gets nothing", async () => {
    const [org, other] = await Promise.all([createOrg(), createOrg()]);
    const theirs = await storedTicket(other.apiKey);
    for (const ticketId of ["00000000-0000-7000-8000-000000000000", theirs]) {
      const res = await addMessages(org.apiKey, { ticketId, messages: [customer("injected")] });
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ success: false, error: "Ticket not found", code: "ticket_not_found" });
    }
    expect((await getTicket(other.apiKey, theirs)).json.ticket.messages).toEqual([]);
  });

  it("costs one D1 round trip, authentication included", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    const d1 = countingD1(org.db);
    const res = await fetchWithEnv(
      jsonPost(ADD_MESSAGES, org.apiKey, { ticketId: id, messages: [customer("hi")] }, { "idempotency-key": "reply-1" }),
      withShardDb(org.shard, d1.binding),
    );
    expect(res.status).toBe(200);
    expect(d1.counts.roundTrips).toBe(1);
  });
});

describe("addMessages with Idempotency-Key", () => {
  it("a retry with the same key and body replays the original answer and adds nothing", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    const body = { ticketId: id, messages: [customer("once")] };
    const first = await addMessages(org.apiKey, body, { "idempotency-key": "reply-abc" });
    await addMessages(org.apiKey, { ticketId: id, messages: [agent("later")] });
    const retry = await addMessages(org.apiKey, body, { "idempotency-key": "reply-abc" });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotency-replayed")).toBe("true");
    expect(retry.json).toEqual(first.json);
    expect(first.json.messageCount).toBe(1);
    expect((await getTicket(org.apiKey, id)).json.ticket.messages).toHaveLength(2);
  });

  it("the same key with a different body is a 422", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    await addMessages(org.apiKey, { ticketId: id, messages: [customer("a")] }, { "idempotency-key": "k1" });
    const res = await addMessages(org.apiKey, { ticketId: id, messages: [customer("b")] }, { "idempotency-key": "k1" });
    expect(res.status).toBe(422);
    expect((await getTicket(org.apiKey, id)).json.ticket.messages).toHaveLength(1);
  });

  it("a key first used by createTicket is a 422 here", async () => {
    const org = await createOrg();
    const created = await createTicket(org.apiKey, { title: "t", customerEmail: "a@example.com" }, { "idempotency-key": "shared-key" });
    const res = await addMessages(
      org.apiKey,
      { ticketId: created.json.ticketId, messages: [customer("a")] },
      { "idempotency-key": "shared-key" },
    );
    expect(res.status).toBe(422);
  });

  it("concurrent retries with one key add the messages once", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    const body = { ticketId: id, messages: [customer("only once")] };
    const results = await Promise.all(Array.from({ length: 10 }, () => addMessages(org.apiKey, body, { "idempotency-key": "burst" })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(results.filter((r) => r.headers.get("idempotency-replayed") === "true")).toHaveLength(9);
    expect((await getTicket(org.apiKey, id)).json.ticket.messages).toHaveLength(1);
  });

  it("a call that fails past the 1,000-message cap answers the 400, stores no key, and its retry gets the 400 again", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    const hundred = Array.from({ length: 100 }, (_, i) => agent(`m${i}`));
    for (let i = 0; i < 10; i++) expect((await addMessages(org.apiKey, { ticketId: id, messages: hundred })).status).toBe(200);
    const body = { ticketId: id, messages: [customer("one more")] };
    for (const attempt of [1, 2]) {
      const res = await addMessages(org.apiKey, body, { "idempotency-key": "k1" });
      expect(res.status, `attempt ${attempt}: ${res.text}`).toBe(400);
      expect(res.json.issues).toEqual([{ path: "messages", message: expect.stringContaining("1000") }]);
    }
    expect(await rows("select key from idempotency_keys where organization_id = ?", org.id)).toEqual([]);
  });
});

describe("addMessages with Idempotency-Key from a caller who may not write", () => {
  /** The victim's ticket, and whether the victim's own next createTicket with `key` is a fresh 200. */
  const victim = async () => {
    const org = await createOrg();
    const ticketId = await storedTicket(org.apiKey);
    const keyStillFree = async (key: string) => {
      const res = await createTicket(org.apiKey, { title: "Order 42", customerEmail: "a@example.com" }, { "idempotency-key": key });
      return { status: res.status, replayed: res.headers.get("idempotency-replayed") };
    };
    return { org, ticketId, keyStillFree };
  };

  const revokedKeyOf = async (orgId: string) => {
    const fresh = await admin("POST", `/admin/organizations/${orgId}/api-keys`);
    expect((await admin("DELETE", `/admin/organizations/${orgId}/api-keys/${fresh.json.id}`)).status).toBe(204);
    return fresh.json.apiKey as string;
  };

  it.each([
    ["a bogus key", 401, async () => "tik_not-a-key-of-anyone"],
    ["a revoked key of the victim's organization", 401, async (orgId: string) => revokedKeyOf(orgId)],
    ["another organization's key", 404, async () => (await createOrg()).apiKey],
  ])("%s gets %i and plants no key in the victim's namespace", async (_, status, keyFor) => {
    const { org, ticketId, keyStillFree } = await victim();
    const res = await addMessages(await keyFor(org.id), { ticketId, messages: [customer("planted")] }, { "idempotency-key": "order-42" });
    expect(res.status, res.text).toBe(status);
    expect(await rows("select organization_id, key from idempotency_keys where ticket_id = ?", ticketId)).toEqual([]);
    expect(await keyStillFree("order-42")).toEqual({ status: 200, replayed: null });
  });

  it.each([
    ["401", async () => "tik_not-a-key-of-anyone"],
    ["404", async () => (await createOrg()).apiKey],
  ])("a %s answer has written nothing: no key record, message, event or job", async (_, keyFor) => {
    const { ticketId } = await victim();
    const before = await Promise.all(
      ["ticket_messages", "ticket_events", "jobs"].map((t) => rows(`select count(*) as n from ${t} where ticket_id = ?`, ticketId)),
    );
    await addMessages(await keyFor(), { ticketId, messages: [customer("planted")] }, { "idempotency-key": "order-42" });
    const after = await Promise.all(
      ["ticket_messages", "ticket_events", "jobs"].map((t) => rows(`select count(*) as n from ${t} where ticket_id = ?`, ticketId)),
    );
    expect(after).toEqual(before);
    expect(await rows("select key from idempotency_keys where key = ? and ticket_id = ?", "order-42", ticketId)).toEqual([]);
  });
});
