import PostalMime from "postal-mime";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { EMAIL_LEASE_MS } from "../../src/jobs/email";
import {
  acknowledgementJob,
  agentMessages,
  captureMailer,
  emailJob,
  emailJobRow,
  emailTicket,
  runEmailQueue,
  threadMessage,
  threadOf,
} from "../support/email-outbound";
import { eventsOf } from "../support/lifecycle";
import { captureSends, DEAD_LETTER_QUEUE, runQueue } from "../support/queue";
import { rows } from "../support/tickets";

// The queue's max_retries is 5: a dead-lettered message has been delivered 6 times.
const EXHAUSTED = 6;

let sends: ReturnType<typeof captureSends>;
beforeEach(() => {
  sends = captureSends();
});

const emailEvents = async (key: string, ticketId: string) =>
  (await eventsOf(key, ticketId))
    .filter((e) => e.type === "email_sent" || e.type === "email_failed")
    .map((e) => ({ type: e.type, data: e.data }));

describe("email jobs: the acknowledgement", () => {
  it("sends one acknowledgement from the organization's first address, threaded onto the received mail, and records it", async () => {
    const ticket = await emailTicket({
      title: "Printer jam",
      orgName: "Acme",
      fromName: "Acme Support",
      customerName: "Pat Doe",
      addresses: ["support@acme.example", "help@acme.example"],
      inbound: ["first@mail.example.com"],
    });
    const message = await acknowledgementJob(ticket);
    const { mailer, sent } = captureMailer();

    const result = await runEmailQueue([message], { deps: { mailer } });

    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(sent.map(({ from, to }) => ({ from, to }))).toEqual([{ from: "support@acme.example", to: ticket.customerEmail }]);
    const parsed = await PostalMime.parse(sent[0]!.raw);
    expect(parsed).toMatchObject({
      from: { address: "support@acme.example", name: "Acme Support" },
      to: [{ address: ticket.customerEmail, name: "Pat Doe" }],
      replyTo: [{ address: `support+${ticket.replyToken}@acme.example`, name: "" }],
      subject: "Re: Printer jam",
      messageId: `<${message.jobId}@acme.example>`,
      inReplyTo: "<first@mail.example.com>",
      references: "<first@mail.example.com>",
    });
    expect(parsed.headers.find((h) => h.key === "auto-submitted")?.value).toBe("auto-replied");
    expect(parsed.text).toContain(`opened ticket ${ticket.ticketId}`);
    expect(parsed.text).toContain("reply to this email: your reply is added to the ticket");

    expect(await emailJobRow(message.jobId)).toMatchObject({ status: "done", attempts: 1, last_error: null, leased_until: null });
    // Both Message-IDs thread: the one the platform sent with (what the customer's client answers) and ours.
    expect(await threadOf(ticket.ticketId)).toEqual([
      { message_id: "first@mail.example.com", direction: "in" },
      { message_id: "platform-1@acme.example", direction: "out" },
      { message_id: `${message.jobId}@acme.example`, direction: "out" },
    ]);
    expect(await emailEvents(ticket.org.apiKey, ticket.ticketId)).toEqual([
      {
        type: "email_sent",
        data: { eventId: ticket.createdEventId, kind: "acknowledgement", messageId: "platform-1@acme.example", to: ticket.customerEmail },
      },
    ]);
  });

  it("lets no stored user text into a header raw: a title with CR/LF and 'Bcc:', names with quotes and <>", async () => {
    const ticket = await emailTicket({
      title: "Help\r\nBcc: x@y",
      fromName: 'Acme "Support" <root@evil.example>',
      customerName: '"Pat" <pat@evil.example>\r\nBcc: x@y',
    });
    const { mailer, sent } = captureMailer();
    await runEmailQueue([await acknowledgementJob(ticket)], { deps: { mailer } });

    const raw = sent[0]!.raw;
    const block = raw.slice(0, raw.indexOf("\r\n\r\n"));
    for (const line of block.split("\r\n")) expect(line).toMatch(/^([A-Za-z-]+: | )[\x20-\x7e]*$/);
    const parsed = await PostalMime.parse(raw);
    expect(parsed.headers.map((h) => h.key)).not.toContain("bcc");
    expect(parsed.subject).toBe("Re: Help Bcc: x@y");
    expect(parsed.from).toEqual({ address: ticket.fromAddress, name: 'Acme "Support" <root@evil.example>' });
    expect(parsed.to).toEqual([{ address: ticket.customerEmail, name: '"Pat" <pat@evil.example> Bcc: x@y' }]);
  });

  it("uses the organization's name when it has no display name for email", async () => {
    const ticket = await emailTicket({ orgName: "Globex", fromName: null });
    const { mailer, sent } = captureMailer();
    await runEmailQueue([await acknowledgementJob(ticket)], { deps: { mailer } });
    expect((await PostalMime.parse(sent[0]!.raw)).from).toEqual({ address: ticket.fromAddress, name: "Globex" });
  });
});

describe("email jobs: an agent's reply", () => {
  it("sends the agent messages of the event, In-Reply-To the latest received mail, References the thread's first and latest, no Auto-Submitted", async () => {
    const ticket = await emailTicket({ title: "Printer jam", inbound: ["m0@mail.example.com"] });
    // The thread: 14 more Message-IDs, received and sent; the latest received is m13.
    for (let i = 1; i < 15; i++)
      await threadMessage(ticket, `m${i}@${i % 2 ? "mail.example.com" : "acme.example"}`, i % 2 ? "in" : "out", i);
    const eventId = await agentMessages(
      ticket,
      ["Please restart it — Grüße", "Then print a test page."],
      [{ role: "customer", content: "not mailed back" }],
    );
    const message = await emailJob(ticket, eventId);
    const { mailer, sent } = captureMailer();

    await runEmailQueue([message], { deps: { mailer } });

    const parsed = await PostalMime.parse(sent[0]!.raw);
    expect(parsed.subject).toBe("Re: Printer jam");
    expect(parsed.inReplyTo).toBe("<m13@mail.example.com>");
    // The first, then the latest 9 (m6 … m14), oldest first.
    const references = [
      "m0@mail.example.com",
      ...[6, 7, 8, 9, 10, 11, 12, 13, 14].map((i) => `m${i}@${i % 2 ? "mail.example.com" : "acme.example"}`),
    ];
    expect(parsed.references).toBe(references.map((id) => `<${id}>`).join(" "));
    expect(parsed.headers.map((h) => h.key)).not.toContain("auto-submitted");
    expect(parsed.text).toBe(
      `Please restart it — Grüße\r\n\r\nThen print a test page.\r\n\r\n--\r\nTicket ${ticket.ticketId}. Reply to this email to add to it.\r\n`,
    );
    expect(parsed.text).not.toContain("not mailed back");
    expect(await emailEvents(ticket.org.apiKey, ticket.ticketId)).toEqual([
      { type: "email_sent", data: { eventId, kind: "reply", messageId: "platform-1@acme.example", to: ticket.customerEmail } },
    ]);
  });

  it("answers the latest sent email when nothing was received on the ticket", async () => {
    const ticket = await emailTicket({ inbound: [] });
    await threadMessage(ticket, "sent-1@acme.example", "out", 1);
    const message = await emailJob(ticket, await agentMessages(ticket, ["Hello"]));
    const { mailer, sent } = captureMailer();
    await runEmailQueue([message], { deps: { mailer } });
    expect((await PostalMime.parse(sent[0]!.raw)).inReplyTo).toBe("<sent-1@acme.example>");
  });
});

describe("email jobs: exactly once", () => {
  it("sends once for two copies of one message in a batch, and nothing for a redelivery after it was sent", async () => {
    const ticket = await emailTicket();
    const message = await acknowledgementJob(ticket);
    sends.take(); // createTicket's categorize message
    // The first send takes a moment, so both copies have read the job as pending before either finishes.
    const { mailer, sent } = captureMailer(async (_mail, n) => {
      await new Promise((r) => setTimeout(r, 50));
      return { messageId: `<platform-${n}@acme.example>` };
    });

    const first = await runEmailQueue([message, message], { deps: { mailer } });

    expect(sent).toHaveLength(1);
    expect(first.explicitAcks.sort()).toEqual(["msg-0", "msg-1"]);
    // The copy that lost the claim comes back once the lease is over, as a fresh message spending no retry.
    expect(sends.take()).toEqual([{ ...message, rateLimited: 0 }]);
    expect(sends.delayOf(message.jobId)).toBe(EMAIL_LEASE_MS / 1000);

    const again = await runEmailQueue([message], { deps: { mailer } });
    expect(again.explicitAcks).toEqual(["msg-0"]);
    expect(sent).toHaveLength(1);
    expect((await emailEvents(ticket.org.apiKey, ticket.ticketId)).map((e) => e.type)).toEqual(["email_sent"]);
  });

  it("retries a failed send with backoff, recording the error and releasing the lease, then sends", async () => {
    const ticket = await emailTicket();
    const message = await acknowledgementJob(ticket);
    let fail = true;
    const { mailer, sent } = captureMailer(async (_mail, n) => {
      if (fail) throw new Error("upstream said 451\r\ntemporary failure");
      return { messageId: `<platform-${n}@acme.example>` };
    });

    const failed = await runEmailQueue([message], { deps: { mailer } });

    expect(failed.retryMessages.map((m) => m.msgId)).toEqual(["msg-0"]);
    expect(failed.delays["msg-0"]).toBeGreaterThanOrEqual(3);
    expect(await emailJobRow(message.jobId)).toMatchObject({
      status: "pending",
      attempts: 1,
      last_error: "send_email failed: upstream said 451 temporary failure",
      leased_until: null,
    });
    expect(await emailEvents(ticket.org.apiKey, ticket.ticketId)).toEqual([]);

    fail = false;
    const retried = await runEmailQueue([message], { attempts: 2, deps: { mailer } });
    expect(retried.explicitAcks).toEqual(["msg-0"]);
    expect(sent).toHaveLength(2);
    // The retry carries the same Message-ID: a client that got both threads them as one.
    const ids = await Promise.all(sent.map(async (mail) => (await PostalMime.parse(mail.raw)).messageId));
    expect(ids).toEqual([`<${message.jobId}@acme.example>`, `<${message.jobId}@acme.example>`]);
    expect(await emailJobRow(message.jobId)).toMatchObject({ status: "done", attempts: 2, last_error: null });
  });

  it("sends again if recording the sent email failed (the at-least-once window), and records it once", async () => {
    const ticket = await emailTicket();
    const message = await acknowledgementJob(ticket);
    const { mailer, sent } = captureMailer();
    const db = ticket.org.db;
    const batch = db.batch.bind(db);
    // The 1st D1 batch is the context, the 2nd (after the claim, a single statement) the record.
    vi.spyOn(db, "batch").mockImplementationOnce(batch).mockRejectedValueOnce(new Error("D1_ERROR: storage reset"));

    const failed = await runEmailQueue([message], { deps: { mailer } });
    expect(failed.retryMessages.map((m) => m.msgId)).toEqual(["msg-0"]);
    expect(await emailJobRow(message.jobId)).toMatchObject({ status: "pending", leased_until: null });

    await runEmailQueue([message], { attempts: 2, deps: { mailer } });
    expect(sent).toHaveLength(2);
    expect((await emailEvents(ticket.org.apiKey, ticket.ticketId)).map((e) => e.type)).toEqual(["email_sent"]);
  });
});

describe("email jobs: failures", () => {
  it("marks a dead-lettered email failed with an email_failed event naming its last error, sending nothing", async () => {
    const ticket = await emailTicket();
    const message = await acknowledgementJob(ticket);
    const { mailer, sent } = captureMailer(async () => {
      throw new Error("quota exceeded");
    });
    await runEmailQueue([message], { attempts: 5, deps: { mailer } });

    const result = await runEmailQueue([message], { queue: DEAD_LETTER_QUEUE, attempts: EXHAUSTED, deps: { mailer } });

    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(sent).toHaveLength(1);
    expect(await emailJobRow(message.jobId)).toMatchObject({
      status: "failed",
      attempts: EXHAUSTED,
      last_error: "send_email failed: quota exceeded",
    });
    expect(await emailEvents(ticket.org.apiKey, ticket.ticketId)).toEqual([
      {
        type: "email_failed",
        data: { eventId: ticket.createdEventId, kind: "acknowledgement", error: "send_email failed: quota exceeded" },
      },
    ]);
    // Not a Slack post: the ticket's notification state and error are untouched.
    const [stored] = await rows<{ notification: string }>("select notification from tickets where id = ?", ticket.ticketId);
    expect(stored!.notification).toBe("pending");
  });

  it("says why a dead-lettered reply that never ran failed", async () => {
    const ticket = await emailTicket();
    const eventId = await agentMessages(ticket, ["Hello"]);
    const message = await emailJob(ticket, eventId);
    await runEmailQueue([message], { queue: DEAD_LETTER_QUEUE, attempts: EXHAUSTED });
    expect(await emailEvents(ticket.org.apiKey, ticket.ticketId)).toEqual([
      { type: "email_failed", data: { eventId, kind: "reply", error: "exhausted its retries" } },
    ]);
  });

  it.each([
    ["no address to send from", { addresses: [] }, "the organization has no email address to send from"],
    ["not an email ticket", { channel: "api" as const }, "the ticket is not an email ticket"],
  ])("fails for good, without sending, when %s", async (_case, opts, error) => {
    const ticket = await emailTicket(opts);
    const message = await acknowledgementJob(ticket);
    const { mailer, sent } = captureMailer();

    const result = await runEmailQueue([message], { deps: { mailer } });

    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(sent).toEqual([]);
    expect(await emailJobRow(message.jobId)).toMatchObject({ status: "failed", attempts: 1, last_error: error });
    expect(await emailEvents(ticket.org.apiKey, ticket.ticketId)).toEqual([
      { type: "email_failed", data: { eventId: ticket.createdEventId, kind: "acknowledgement", error } },
    ]);
  });

  it("fails for good when the customer's address cannot go into a header", async () => {
    const ticket = await emailTicket();
    await rows("update customers set email = ? where organization_id = ?", "pat@example.com\r\nBcc: x@y", ticket.org.id);
    const message = await acknowledgementJob(ticket);
    const { mailer, sent } = captureMailer();
    await runEmailQueue([message], { deps: { mailer } });
    expect(sent).toEqual([]);
    expect(await emailJobRow(message.jobId)).toMatchObject({ status: "failed", last_error: "the customer has no usable email address" });
  });
});

describe("email jobs: the real send_email binding", () => {
  it("sends through the local send_email binding, which assigns its own Message-ID, and stores that one for threading", async () => {
    const ticket = await emailTicket();
    const message = await acknowledgementJob(ticket);

    // The worker's own queue handler and dependencies: nothing replaced.
    const result = await runQueue([message]);

    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(await emailJobRow(message.jobId)).toMatchObject({ status: "done", last_error: null });
    const [sentEvent] = await emailEvents(ticket.org.apiKey, ticket.ticketId);
    const platformId = (sentEvent!.data as { messageId: string }).messageId;
    expect(sentEvent).toMatchObject({ type: "email_sent", data: { kind: "acknowledgement", to: ticket.customerEmail } });
    expect(platformId).toMatch(/^[^<>\s]+@acme\.example$/);
    expect(platformId).not.toBe(`${message.jobId}@acme.example`);
    expect(
      (await threadOf(ticket.ticketId))
        .filter((m) => m.direction === "out")
        .map((m) => m.message_id)
        .sort(),
    ).toEqual([platformId, `${message.jobId}@acme.example`].sort());
  });
});
