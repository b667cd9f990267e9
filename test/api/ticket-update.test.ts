import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingD1, countingQueue, fetchWithEnv } from "../support/counting";
import { addMessages, eventsOf, storedTicket, updateTicket, UPDATE } from "../support/lifecycle";
import { createOrg, setCategories } from "../support/orgs";
import { withShardDb } from "../support/shards";
import { captureSends } from "../support/queue";
import { getTicket, rows } from "../support/tickets";
import { jsonPost } from "../support/http";

const orgWithBilling = async () => {
  const org = await createOrg();
  await setCategories(org.id, [{ name: "Billing" }, { name: "VIP", appliesTo: "customer" }, { name: "Old", active: false }]);
  return org;
};

describe("updateTicket", () => {
  it("changes status, priority, assignee and category and answers with the ticket as it now is", async () => {
    const org = await orgWithBilling();
    const id = await storedTicket(org.apiKey);
    const before = (await getTicket(org.apiKey, id)).json.ticket;
    const res = await updateTicket(org.apiKey, {
      ticketId: id,
      status: "in_progress",
      priority: "urgent",
      assignee: "@jane",
      category: "BILLING",
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({
      success: true,
      ticket: {
        ...before,
        status: "in_progress",
        priority: "urgent",
        assignee: "@jane",
        assigneeSource: "manual",
        category: "Billing",
        categorySource: "manual",
        updatedAt: expect.any(String),
      },
    });
    expect(res.json.ticket.updatedAt > before.updatedAt).toBe(true);
    expect(await getTicket(org.apiKey, id).then((r) => r.json.ticket)).toEqual(res.json.ticket);
  });

  it("records one event per field that changed, with from and to, by the key's display prefix", async () => {
    const org = await orgWithBilling();
    const id = await storedTicket(org.apiKey);
    await updateTicket(org.apiKey, { ticketId: id, status: "in_progress", priority: "medium", assignee: "@jane", category: "Billing" });
    const events = await eventsOf(org.apiKey, id);
    const actor = { type: "api", keyPrefix: org.apiKey.slice(0, 12) };
    // priority was already medium: no event for it.
    expect(events.slice(1).map(({ type, actor, data }) => ({ type, actor, data }))).toEqual([
      { type: "status_changed", actor, data: { from: "open", to: "in_progress" } },
      { type: "assigned", actor, data: { from: null, to: "@jane", source: "manual" } },
      { type: "category_changed", actor, data: { from: null, to: "Billing", source: "manual" } },
    ]);
    expect(JSON.stringify(events)).not.toContain(org.apiKey);
  });

  it("assignee null unassigns and clears the manual lock", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    await updateTicket(org.apiKey, { ticketId: id, assignee: "@jane" });
    const res = await updateTicket(org.apiKey, { ticketId: id, assignee: null });
    expect(res.json.ticket).toMatchObject({ assignee: null, assigneeSource: null });
  });

  it("category null removes the category and still counts as a manual choice", async () => {
    const org = await orgWithBilling();
    const id = await storedTicket(org.apiKey, { category: "Billing" });
    const res = await updateTicket(org.apiKey, { ticketId: id, category: null });
    expect(res.json.ticket).toMatchObject({ category: null, categorySource: "manual" });
  });

  it.each([
    ["an unknown category", "Nope"],
    ["an inactive category", "Old"],
    ["a customer-only category", "VIP"],
  ])("400 for %s, changing nothing", async (_, category) => {
    const org = await orgWithBilling();
    const id = await storedTicket(org.apiKey);
    const res = await updateTicket(org.apiKey, { ticketId: id, category, status: "resolved" });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ success: false, issues: [{ path: "category", message: expect.stringContaining(category) }] });
    expect((await getTicket(org.apiKey, id)).json.ticket.status).toBe("open");
    expect((await eventsOf(org.apiKey, id)).map((e) => e.type)).toEqual(["created"]);
  });

  it("400 for a body with nothing to change or invalid values", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    for (const body of [
      { ticketId: id },
      { ticketId: id, status: "closed" },
      { ticketId: id, priority: "asap" },
      { status: "open" },
      { ticketId: id, assignee: "" },
    ]) {
      const res = await updateTicket(org.apiKey, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.success).toBe(false);
    }
  });

  it("404 for an unknown ticket and for another organization's, which stays untouched", async () => {
    const [org, other] = await Promise.all([createOrg(), createOrg()]);
    const theirs = await storedTicket(other.apiKey);
    for (const ticketId of ["00000000-0000-7000-8000-000000000000", theirs]) {
      const res = await updateTicket(org.apiKey, { ticketId, status: "resolved", assignee: "@mallory" });
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ success: false, error: "Ticket not found", code: "ticket_not_found" });
    }
    expect((await getTicket(other.apiKey, theirs)).json.ticket).toMatchObject({ status: "open", assignee: null });
    expect((await eventsOf(other.apiKey, theirs)).map((e) => e.type)).toEqual(["created"]);
  });

  it("expectedUpdatedAt: 409 when the ticket changed since, and nothing is written", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    const seen = (await getTicket(org.apiKey, id)).json.ticket.updatedAt;
    expect((await updateTicket(org.apiKey, { ticketId: id, status: "in_progress", expectedUpdatedAt: seen })).status).toBe(200);
    const stale = await updateTicket(org.apiKey, { ticketId: id, status: "resolved", expectedUpdatedAt: seen });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ success: false, issues: [{ path: "expectedUpdatedAt" }] });
    expect((await getTicket(org.apiKey, id)).json.ticket.status).toBe("in_progress");
  });

  it("expectedUpdatedAt: of two concurrent updates from one version, exactly one wins", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    const seen = (await getTicket(org.apiKey, id)).json.ticket.updatedAt;
    const [a, b] = await Promise.all([
      updateTicket(org.apiKey, { ticketId: id, assignee: "@alice", expectedUpdatedAt: seen }),
      updateTicket(org.apiKey, { ticketId: id, assignee: "@bob", expectedUpdatedAt: seen }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? "@alice" : "@bob";
    expect((await getTicket(org.apiKey, id)).json.ticket.assignee).toBe(winner);
    expect((await eventsOf(org.apiKey, id)).filter((e) => e.type === "assigned")).toHaveLength(1);
  });

  it("expectedUpdatedAt accepts the same instant written with an offset", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    const seen = new Date((await getTicket(org.apiKey, id)).json.ticket.updatedAt);
    const withOffset = new Date(seen.getTime() + 2 * 3600_000).toISOString().replace("Z", "+02:00");
    expect((await updateTicket(org.apiKey, { ticketId: id, priority: "low", expectedUpdatedAt: withOffset })).status).toBe(200);
  });

  it("expectedUpdatedAt outside the years 0000 to 9999 in UTC is a 400 naming the field, and nothing is written", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    const before = (await getTicket(org.apiKey, id)).json.ticket;
    const res = await updateTicket(org.apiKey, { ticketId: id, priority: "low", expectedUpdatedAt: "9999-12-31T23:59:59-23:59" });
    expect(res.status, res.text).toBe(400);
    expect(res.json.issues).toEqual([
      { path: "expectedUpdatedAt", message: "expectedUpdatedAt must be an instant within the years 0000 to 9999 (UTC)" },
    ]);
    expect((await getTicket(org.apiKey, id)).json.ticket).toEqual(before);
  });

  it("every change moves updatedAt, even two within one millisecond", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    const stamps = [(await getTicket(org.apiKey, id)).json.ticket.updatedAt];
    for (const priority of ["low", "high", "urgent", "medium"])
      stamps.push((await updateTicket(org.apiKey, { ticketId: id, priority })).json.ticket.updatedAt);
    expect(new Set(stamps).size).toBe(stamps.length);
    expect([...stamps].sort()).toEqual(stamps);
  });

  it("costs one D1 round trip, authentication included, and sends the event job", async () => {
    const org = await createOrg({ slackWebhookUrl: "http://slack.test/services/org" });
    const id = await storedTicket(org.apiKey);
    // The first notification is not skipped (it is pending): a status change is announced.
    const d1 = countingD1(org.db);
    const queue = countingQueue(env.JOBS);
    captureSends();
    const res = await fetchWithEnv(jsonPost(UPDATE, org.apiKey, { ticketId: id, status: "waiting_for_customer", assignee: "@jane" }), {
      ...withShardDb(org.shard, d1.binding),
      JOBS: queue.binding,
    });
    expect(res.status).toBe(200);
    expect(d1.counts.roundTrips).toBe(1);
    expect(queue.counts).toEqual({ sendCalls: 1, messages: 1 });
    expect(await rows("select kind, status from jobs where ticket_id = ? and kind = 'event'", id)).toEqual([
      { kind: "event", status: "pending" },
    ]);
  });

  it("401 for an unknown key", async () => {
    expect((await updateTicket("tik_nobody", { ticketId: "x", status: "open" })).status).toBe(401);
  });
});

describe("updateTicket and addMessages share the version", () => {
  it("a reply moves updatedAt, so an update from before it is a 409", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    const seen = (await getTicket(org.apiKey, id)).json.ticket.updatedAt;
    await addMessages(org.apiKey, { ticketId: id, messages: [{ role: "customer", content: "hello?" }] });
    expect((await updateTicket(org.apiKey, { ticketId: id, status: "resolved", expectedUpdatedAt: seen })).status).toBe(409);
  });
});
