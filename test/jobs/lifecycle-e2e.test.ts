import { describe, expect, it } from "vitest";
import { answer, installFakeAi } from "../support/fake-ai";
import { addMessages, eventsOf, updateTicket } from "../support/lifecycle";
import { setRoutingRules } from "../support/orgs";
import { orgWithCategories } from "../support/pipeline";
import { eventually } from "../support/queue";
import { interceptSlack, slackOk } from "../support/slack";
import { getTicket, newTicket } from "../support/tickets";

// Through the real local queue, as the README's walk-through: every Slack post arrives by the
// worker's own consumer (installFakeAi and interceptSlack reach it: it runs in this isolate).
const ORG_WEBHOOK = "http://slack.test/services/org";

describe("ticket lifecycle end to end", () => {
  it("create → in_progress → waiting_for_customer → customer replies (reopens) → resolved", async () => {
    installFakeAi(answer("Technical"));
    const posts = interceptSlack(slackOk());
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    await setRoutingRules(org.id, [{ when: { ticketCategory: "Technical" }, assignTo: "@tech" }]);
    const postCount = (n: number) =>
      eventually(
        async () => posts.length,
        (count) => count >= n,
      );

    const id = await newTicket(org.apiKey, { title: "Sync fails", customerEmail: "kim@example.com" });
    await postCount(1);
    expect(await getTicket(org.apiKey, id).then((r) => r.json.ticket)).toMatchObject({
      assignee: "@tech",
      processing: { notification: "sent" },
    });

    const steps: [string, () => Promise<unknown>][] = [
      ["in_progress", () => updateTicket(org.apiKey, { ticketId: id, status: "in_progress", assignee: "@kim-agent" })],
      ["waiting_for_customer", () => updateTicket(org.apiKey, { ticketId: id, status: "waiting_for_customer" })],
      ["reply", () => addMessages(org.apiKey, { ticketId: id, messages: [{ role: "customer", content: "Logs attached" }] })],
      ["resolved", () => updateTicket(org.apiKey, { ticketId: id, status: "resolved" })],
    ];
    for (const [i, [, step]] of steps.entries()) {
      await step();
      // One post per step, in order (each waits for the previous one: the test drives them one by one).
      await postCount(2 + i);
    }
    expect(posts.map((p) => p.body.blocks[1].text?.text ?? "new ticket")).toEqual([
      "new ticket",
      expect.stringMatching(/^\*Status changed\* · open → in_progress by API key/),
      expect.stringMatching(/^\*Status changed\* · in_progress → waiting_for_customer/),
      "*Customer replied* · reopened (waiting_for_customer → open)\nLogs attached",
      expect.stringMatching(/^\*Status changed\* · open → resolved/),
    ]);
    expect(new Set(posts.map((p) => p.url))).toEqual(new Set([ORG_WEBHOOK]));

    const events = await eventually(
      () => eventsOf(org.apiKey, id),
      (list) => list.filter((e) => e.type === "notification_sent").length === 5,
    );
    expect(events.filter((e) => !e.type.startsWith("notification")).map((e) => `${e.type}:${(e.data.to as string) ?? ""}`)).toEqual([
      "created:",
      "categorized:",
      "assigned:@tech",
      "status_changed:in_progress",
      "assigned:@kim-agent",
      "status_changed:waiting_for_customer",
      "message_added:",
      "status_changed:open",
      "status_changed:resolved",
    ]);
    expect(await getTicket(org.apiKey, id).then((r) => r.json.ticket)).toMatchObject({
      status: "resolved",
      assignee: "@kim-agent",
      assigneeSource: "manual",
    });
  });
});
