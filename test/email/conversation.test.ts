import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { deliverEmail, emailOrg, fixture } from "../support/email";
import { captureMailer, runEmailQueue } from "../support/email-outbound";
import { call } from "../support/http";
import { captureSends, runQueue } from "../support/queue";
import { interceptSlack } from "../support/slack";
import { ACKNOWLEDGEMENTS_PER_ORGANIZATION_PER_HOUR } from "../../src/db/email-inbound";
import { getTicket, rows } from "../support/tickets";

const GMAIL_ID = "CAJx3f0nK2+Q8Hh7X_new-ticket@mail.gmail.com";

const header = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, "im").exec(raw)?.[1];

/** A customer's first mail to a fresh organization: its ticket and the queue messages the delivery sent. */
const firstMail = async (settings: { autoAcknowledge?: boolean; fromName?: string } = {}) => {
  const org = await emailOrg(settings);
  const sends = captureSends();
  await deliverEmail(fixture("gmail-new", org.domain));
  const [ticket] = await rows<{ id: string; reply_token: string }>("select id, reply_token from tickets where organization_id = ?", org.id);
  return { org, ticketId: ticket!.id, token: ticket!.reply_token, sent: sends.take(), sends };
};

describe("the email conversation, end to end", () => {
  it("acknowledges a new email ticket from the organization's address, threaded on the customer's mail", async () => {
    const { org, ticketId, token, sent } = await firstMail({ fromName: "Acme Support" });
    const ack = sent.filter((m) => m.kind === "email");
    expect(ack).toHaveLength(1);
    const mail = captureMailer();
    expect((await runEmailQueue(ack, { deps: { mailer: mail.mailer } })).explicitAcks).toEqual(["msg-0"]);
    expect(mail.sent).toHaveLength(1);
    const { from, to, raw } = mail.sent[0]!;
    expect([from, to]).toEqual([org.address, "jane.doe@example.com"]);
    const parsed = await PostalMime.parse(raw);
    expect(parsed.from).toEqual({ address: org.address, name: "Acme Support" });
    expect(parsed.subject).toBe("Re: Can’t log in after password reset");
    expect(parsed.replyTo?.[0]).toMatchObject({ address: `support+${token}@${org.domain}` });
    expect(header(raw, "In-Reply-To")).toBe(`<${GMAIL_ID}>`);
    expect(header(raw, "Auto-Submitted")).toBe("auto-replied");
    expect(parsed.text).toContain(ticketId);
    const events = await rows<{ type: string }>("select type from ticket_events where ticket_id = ? order by created_at, id", ticketId);
    expect(events.map((e) => e.type)).toContain("email_sent");
  });

  it("threads the customer's answer to the acknowledgement onto the ticket by the Message-ID we sent", async () => {
    const { org, ticketId, sent } = await firstMail();
    const mail = captureMailer();
    await runEmailQueue(
      sent.filter((m) => m.kind === "email"),
      { deps: { mailer: mail.mailer } },
    );
    const [out] = await rows<{ message_id: string }>(
      "select message_id from email_messages where ticket_id = ? and direction = 'out' order by created_at limit 1",
      ticketId,
    );
    // The reply names only our acknowledgement (as a client does that keeps just the last reference).
    const reply = fixture("gmail-reply", org.domain, { THREAD_ID: out!.message_id }).replace(`<${GMAIL_ID}> `, "");
    await deliverEmail(reply);
    const { json } = await getTicket(org.apiKey, ticketId);
    expect(json.ticket.messages.at(-1)?.content).toBe("That worked, thank you! I can log in again.");
  });

  it("emails an agent's addMessages answer to the customer, without Auto-Submitted, and not when notifyCustomer is false", async () => {
    const { org, ticketId, sends } = await firstMail({ autoAcknowledge: false });
    const answer = await call("POST", "/api/ext-v1/ticket/addMessages", {
      key: org.apiKey,
      body: { ticketId, messages: [{ role: "agent", content: "Please sign out everywhere and try again.\nSam" }] },
    });
    expect(answer.status).toBe(200);
    const jobs = sends.take();
    expect(jobs).toEqual([{ jobId: expect.any(String), kind: "email", ticketId, shard: org.shard }]);
    const mail = captureMailer();
    await runEmailQueue(jobs, { deps: { mailer: mail.mailer } });
    const raw = mail.sent[0]!.raw;
    expect(header(raw, "Auto-Submitted")).toBeUndefined();
    expect((await PostalMime.parse(raw)).text?.replace(/\r\n/g, "\n")).toContain("Please sign out everywhere and try again.\nSam");
    const quiet = await call("POST", "/api/ext-v1/ticket/addMessages", {
      key: org.apiKey,
      body: { ticketId, messages: [{ role: "agent", content: "Internal: checked the logs" }], notifyCustomer: false },
    });
    expect(quiet.status).toBe(200);
    expect(sends.take()).toEqual([]);
  });

  it("sends no acknowledgement when the organization turned it off, nor to automated mail", async () => {
    const { sent } = await firstMail({ autoAcknowledge: false });
    expect(sent.map((m) => m.kind)).toEqual(["categorize"]);
    const org = await emailOrg();
    const sends = captureSends();
    // An auto-reply that threads onto nothing opens a ticket, but is never answered.
    await deliverEmail(fixture("out-of-office", org.domain, { THREAD_ID: "unknown@elsewhere.example" }));
    expect(sends.take().map((m) => m.kind)).toEqual(["categorize"]);
  });

  it("never emails the customer of an API ticket", async () => {
    const org = await emailOrg();
    const sends = captureSends();
    const created = await call("POST", "/api/ext-v1/ticket/createTicket", {
      key: org.apiKey,
      body: { title: "By API", customerEmail: "a@example.com" },
    });
    sends.take();
    await call("POST", "/api/ext-v1/ticket/addMessages", {
      key: org.apiKey,
      body: { ticketId: created.json.ticketId, messages: [{ role: "agent", content: "Hello" }] },
    });
    expect(sends.take()).toEqual([]);
  });
});

describe("the email channel's bounds on what it sends", () => {
  it("acknowledges at most ACKNOWLEDGEMENTS_PER_ORGANIZATION_PER_HOUR new tickets per organization per hour (forged senders)", async () => {
    const org = await emailOrg();
    const sends = captureSends();
    const kinds: string[] = [];
    for (let i = 0; i <= ACKNOWLEDGEMENTS_PER_ORGANIZATION_PER_HOUR; i++) {
      const raw = fixture("gmail-new", org.domain)
        .replace(GMAIL_ID, `flood-${i}@mail.example`)
        .replace("jane.doe@example.com", `sender-${i}@example.com`);
      await deliverEmail(raw);
      kinds.push(...sends.take().map((m) => m.kind));
    }
    expect(kinds.filter((k) => k === "categorize")).toHaveLength(ACKNOWLEDGEMENTS_PER_ORGANIZATION_PER_HOUR + 1);
    expect(kinds.filter((k) => k === "email")).toHaveLength(ACKNOWLEDGEMENTS_PER_ORGANIZATION_PER_HOUR);
  });
});

describe("an email ticket through the pipeline", () => {
  it("reaches the organization's Slack like an API ticket", async () => {
    const org = await emailOrg({ autoAcknowledge: false }, { slackWebhookUrl: "https://hooks.slack.com/services/T1/B1/email" });
    const sends = captureSends();
    await deliverEmail(fixture("gmail-new", org.domain));
    const posts = interceptSlack();
    await runQueue(sends.take());
    await runQueue(sends.take());
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0]!.body)).toContain("Can’t log in after password reset");
  });
});
