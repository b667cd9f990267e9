import { expect, it } from "vitest";
import { answer, installFakeAi } from "../support/fake-ai";
import { orgWithCategories } from "../support/pipeline";
import { eventually } from "../support/queue";
import { interceptSlack, slackOk } from "../support/slack";
import { createTicket, rows } from "../support/tickets";

// Through the real local queue and the worker's own consumer (see test/jobs/pipeline-e2e.test.ts
// for why the fakes reach it): a burst of creates, then every acknowledged ticket must come out
// of the pipeline finished, notified exactly once, with no job left pending.

it("takes a burst of 40 concurrent tickets through categorization and Slack, losing none and posting each once", async () => {
  const ai = installFakeAi(answer("Billing"));
  const posts = interceptSlack(slackOk());
  const org = await orgWithCategories({ slackWebhookUrl: "http://slack.test/services/burst" });

  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      createTicket(org.apiKey, { title: `Burst ${i}`, customerEmail: `burst${i % 7}@example.com`, priority: "high" }),
    ),
  );
  expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
  const ids = results.map((r) => r.json.ticketId as string);

  type Row = { id: string; categorization: string; notification: string; category: string | null };
  const finished = await eventually(
    () => rows<Row>("select id, categorization, notification, category from tickets where organization_id = ?", org.id),
    (list) => list.length === 40 && list.every((t) => t.categorization !== "pending" && t.notification !== "pending"),
    20_000,
  );
  expect(finished.map((t) => t.id).sort()).toEqual([...ids].sort());
  for (const t of finished) expect(t, t.id).toMatchObject({ categorization: "done", notification: "sent", category: "Billing" });

  expect(
    await rows("select kind, status, count(*) as n from jobs where organization_id = ? group by kind, status order by kind", org.id),
  ).toEqual([
    { kind: "categorize", status: "done", n: 40 },
    { kind: "notify", status: "done", n: 40 },
  ]);
  expect(ai.calls).toHaveLength(40);
  expect(posts).toHaveLength(40);
  for (const id of ids)
    expect(
      posts.filter((p) => JSON.stringify(p.body).includes(id)),
      id,
    ).toHaveLength(1);
});
