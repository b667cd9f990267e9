import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { JOB_KINDS } from "../../src/db/schema";
import { JOB_HANDLERS, type JobKind } from "../../src/jobs/registry";
import { countingD1 } from "../support/counting";
import { addMessages, storedTicket, updateTicket } from "../support/lifecycle";
import { orgWithCategories } from "../support/pipeline";
import { captureSends } from "../support/queue";
import { rows } from "../support/tickets";

beforeEach(() => {
  captureSends();
});

// One ticket with a job of every kind: categorize and notify from createTicket, route from a
// manual category once categorization is done, event from a customer reply, a webhook_disabled
// notice as the webhook consumer writes it (its event_id names the disabled endpoint), and an email
// job for the ticket's `created` event.
let ticketId: string;
let jobIds: Record<JobKind, string>;
beforeAll(async () => {
  captureSends();
  const org = await orgWithCategories({ slackWebhookUrl: "http://slack.test/services/org" });
  ticketId = await storedTicket(org.apiKey, { title: "Invoice wrong", description: "charged twice" });
  await rows("update tickets set categorization = 'done' where id = ?", ticketId);
  await updateTicket(org.apiKey, { ticketId, category: "Billing" });
  await addMessages(org.apiKey, { ticketId, messages: [{ role: "customer", content: "still waiting" }] });
  const now = new Date().toISOString();
  await rows(
    `insert into jobs (id, organization_id, ticket_id, kind, event_id, created_at, updated_at)
     select 'webhook-disabled-job', organization_id, id, 'webhook_disabled', 'some-endpoint', ?, ? from tickets where id = ?`,
    now,
    now,
    ticketId,
  );
  // An email job as addMessages or the inbound handler writes it: its event_id names the event it answers.
  await rows(
    `insert into jobs (id, organization_id, ticket_id, kind, event_id, created_at, updated_at)
     select 'email-job', t.organization_id, t.id, 'email', e.id, ?, ? from tickets as t
     join ticket_events as e on e.ticket_id = t.id and e.type = 'created' where t.id = ?`,
    now,
    now,
    ticketId,
  );
  const jobs = await rows<{ id: string; kind: JobKind }>("select id, kind from jobs where ticket_id = ?", ticketId);
  jobIds = Object.fromEntries(jobs.map((j) => [j.kind, j.id])) as Record<JobKind, string>;
});

/** Loads `kind`'s context for its job through a D1 binding that counts round trips and keeps the SQL. */
const load = async (kind: JobKind) => {
  const d1 = countingD1(env.DB);
  const ctx = await JOB_HANDLERS[kind].load(createDb(d1.binding), ticketId, jobIds[kind]);
  return { ctx, roundTrips: d1.counts.roundTrips, sql: d1.queries.join("\n") };
};

describe("each job kind's context loader", () => {
  it.each(JOB_KINDS)("loads the %s job's context in one D1 round trip", async (kind) => {
    const { ctx, roundTrips } = await load(kind);
    expect(ctx?.job).toMatchObject({ id: jobIds[kind], kind });
    expect(ctx?.ticket.id).toBe(ticketId);
    expect(roundTrips).toBe(1);
  });

  it("does not read the learned classifier's statistics or labelled tickets for the notify job", async () => {
    const { sql } = await load("notify");
    expect(sql).not.toMatch(/"category_terms"|"category_labels"|"category_source" in \('request', 'manual'\)/);
  });

  it("reads them for the categorize job", async () => {
    const { sql } = await load("categorize");
    expect(sql).toMatch(/"category_terms"/);
    expect(sql).toMatch(/"category_labels"/);
    expect(sql).toMatch(/"category_source" in \('request', 'manual'\)/);
  });
});
