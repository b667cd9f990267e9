import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { answer, installFakeAi } from "../support/fake-ai";
import { setRoutingRules } from "../support/orgs";
import { jobsOf, orgWithCategories } from "../support/pipeline";
import { eventually, runCron } from "../support/queue";
import { interceptSlack, slackOk } from "../support/slack";
import { getTicket, newTicket, rows, rowsOn } from "../support/tickets";

// Through the real local queue: createTicket sends, the worker's own consumer receives. The
// consumer runs in this isolate with the runtime's env, which is the `env` imported here, so
// installFakeAi (a spy on env.AI.run) and interceptSlack (a spy on fetch) reach it.

const ORG_WEBHOOK = "http://slack.test/services/org";

const settled = (key: string, id: string) =>
  eventually(
    async () => (await getTicket(key, id)).json.ticket,
    (t) => t.processing.categorization !== "pending" && t.processing.notification !== "pending",
  );

describe("pipeline end to end", () => {
  it("categorizes with AI, routes and notifies Slack after a plain createTicket", async () => {
    const ai = installFakeAi(answer("Billing"));
    const posts = interceptSlack(slackOk());
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    await setRoutingRules(org.id, [{ when: { ticketCategory: "Billing" }, assignTo: "@billing" }]);

    const id = await newTicket(org.apiKey, { title: "Charged twice", customerEmail: "jane@example.com" });
    const ticket = await settled(org.apiKey, id);

    expect(ticket).toMatchObject({
      category: "Billing",
      categorySource: "ai",
      assignee: "@billing",
      status: "open",
      processing: { categorization: "done", notification: "sent" },
    });
    expect(ai.calls).toHaveLength(1);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.url).toBe(ORG_WEBHOOK);
    expect(posts[0]!.body.blocks[0].text.text).toBe("Charged twice");
    const jobs = await jobsOf(id);
    expect([jobs.categorize.status, jobs.notify.status]).toEqual(["done", "done"]);
  });

  it("lets the fallback classifier decide when AI is unavailable, as in local dev", async () => {
    // No fake: the runtime's AI binding throws, like `wrangler dev`.
    const org = await orgWithCategories();
    const id = await newTicket(org.apiKey, { title: "Login error", description: "The app crashes after login" });
    expect(await settled(org.apiKey, id)).toMatchObject({
      category: "Technical",
      categorySource: "fallback",
      processing: { categorization: "done", notification: "skipped" },
    });
  });

  it("auto-resolves without a Slack message", async () => {
    installFakeAi(answer("Spam"));
    const posts = interceptSlack(slackOk());
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    const id = await newTicket(org.apiKey, { title: "Cheap watches" });
    expect(await settled(org.apiKey, id)).toMatchObject({
      category: "Spam",
      status: "resolved",
      processing: { categorization: "done", notification: "skipped" },
    });
    expect(posts).toEqual([]);
  });

  it("recovers a ticket whose queue send failed at create time when the cron sweeps", async () => {
    installFakeAi(answer("Billing"));
    const posts = interceptSlack(slackOk());
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    vi.spyOn(env.JOBS, "send").mockRejectedValueOnce(new Error("Queue send failed"));

    const id = await newTicket(org.apiKey, { title: "Invoice missing" });
    // Committed and answered 200, but nothing is on the queue.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await getTicket(org.apiKey, id)).json.ticket.processing).toEqual({
      categorization: "pending",
      notification: "pending",
      notificationError: null,
    });

    // A sweep right away leaves it alone: it is not stale yet.
    await runCron(Date.now());
    const { enqueued_at } = (await jobsOf(id)).categorize;
    const later = Date.now() + 11 * 60 * 1000;
    expect(enqueued_at).not.toBe(new Date(later).toISOString());

    await runCron(later);
    expect((await jobsOf(id)).categorize.enqueued_at).toBe(new Date(later).toISOString());
    expect(await settled(org.apiKey, id)).toMatchObject({
      category: "Billing",
      processing: { categorization: "done", notification: "sent" },
    });
    expect(posts).toHaveLength(1);
  });

  it("purges expired idempotency records and keeps live ones", async () => {
    const org = await orgWithCategories();
    const id = await newTicket(org.apiKey, { title: "Keyed" });
    const now = Date.now();
    const iso = (ms: number) => new Date(now + ms).toISOString();
    await rowsOn(
      org.shard,
      "insert into idempotency_keys (organization_id, key, request_hash, ticket_id, created_at, expires_at) values (?, 'old', 'h', ?, ?, ?), (?, 'live', 'h', ?, ?, ?)",
      org.id,
      id,
      iso(-2 * 86_400_000),
      iso(-86_400_000),
      org.id,
      id,
      iso(0),
      iso(86_400_000),
    );
    await runCron(now);
    expect((await rows<{ key: string }>("select key from idempotency_keys where organization_id = ?", org.id)).map((r) => r.key)).toEqual([
      "live",
    ]);
  });
});
