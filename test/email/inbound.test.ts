import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EMAIL_LIMITS } from "../../src/email/parse";
import { MAX_TICKET_MESSAGES } from "../../src/db/ticket-add-messages";
import { DIRECTORY_SHARD } from "../../src/db/shards";
import { countingD1 } from "../support/counting";
import { captureWebhookSends, createEndpoint } from "../support/webhooks";
import { deliverEmail, emailOrg, fixture } from "../support/email";
import { call } from "../support/http";
import { createOrg } from "../support/orgs";
import { captureSends, runQueue } from "../support/queue";
import { SHARDS, shardDb, withShardDb } from "../support/shards";
import { getTicket, rows, rowsOn } from "../support/tickets";

const GMAIL_ID = "CAJx3f0nK2+Q8Hh7X_new-ticket@mail.gmail.com";

/** The one ticket of the organization (the test's own). */
const onlyTicket = async (orgId: string) => {
  const list = await rows<{ id: string }>("select id from tickets where organization_id = ?", orgId);
  expect(list).toHaveLength(1);
  return list[0]!.id;
};

const eventTypes = async (ticketId: string) =>
  (await rows<{ type: string }>("select type from ticket_events where ticket_id = ? order by created_at, id", ticketId)).map((e) => e.type);

/** A new ticket from the Gmail fixture; its id and the queue messages its delivery sent. */
const gmailTicket = async (org: Awaited<ReturnType<typeof emailOrg>>) => {
  const sends = captureSends();
  const { rejected } = await deliverEmail(fixture("gmail-new", org.domain));
  expect(rejected).toBeUndefined();
  return { ticketId: await onlyTicket(org.id), sent: sends.take(), sends };
};

describe("email(): a new mail becomes a ticket", () => {
  it("stores the ticket with the subject (RFC 2047) as title, the sender as customer, the decoded text as its first message", async () => {
    const org = await emailOrg();
    const { ticketId } = await gmailTicket(org);
    const { json } = await getTicket(org.apiKey, ticketId);
    expect(json.ticket).toMatchObject({
      title: "Can’t log in after password reset",
      channel: "email",
      status: "open",
      priority: "medium",
      customer: { email: "jane.doe@example.com", name: "Jane Doe" },
      processing: { categorization: "pending", notification: "pending" },
    });
    expect(json.ticket.messages).toEqual([
      {
        role: "customer",
        from: "jane.doe@example.com",
        content:
          "Hi,\n\nI reset my password this morning and now the app says “invalid credentials” every time I try to log in. I’m on the iOS app, version 4.2.\n\nThanks,\nJane",
      },
    ]);
    expect(json.ticket.description).toMatch(/^Customer: Hi, I reset my password/);
    expect(await eventTypes(ticketId)).toEqual(["created", "email_received"]);
    expect(await rows("select message_id, direction, sender, opened_ticket from email_messages where ticket_id = ?", ticketId)).toEqual([
      { message_id: GMAIL_ID, direction: "in", sender: "jane.doe@example.com", opened_ticket: 1 },
    ]);
  });

  it("sends the categorize job, and the pipeline categorizes it like an API ticket", async () => {
    const org = await emailOrg();
    const { ticketId, sent } = await gmailTicket(org);
    expect(sent).toEqual([
      { jobId: expect.any(String), kind: "categorize", ticketId, shard: org.shard },
      { jobId: expect.any(String), kind: "email", ticketId, shard: org.shard },
    ]);
    const result = await runQueue(sent.filter((m) => m.kind === "categorize"));
    expect(result.explicitAcks).toEqual(["msg-0"]);
    const [ticket] = await rows<{ categorization: string }>("select categorization from tickets where id = ?", ticketId);
    expect(ticket?.categorization).not.toBe("pending");
  });

  it("finds an existing customer by address, case-insensitively, without renaming them", async () => {
    const org = await emailOrg();
    const res = await call("POST", "/api/ext-v1/customer/createOrUpdateCustomer", {
      key: org.apiKey,
      body: { email: "Jane.Doe@Example.com", name: "J. Doe" },
    });
    expect(res.status).toBe(200);
    const { ticketId } = await gmailTicket(org);
    const { json } = await getTicket(org.apiKey, ticketId);
    expect(json.ticket.customer).toMatchObject({ email: "Jane.Doe@Example.com", name: "J. Doe" });
  });

  it("ignores the recipient's +tag when it is no reply token: a new ticket", async () => {
    const org = await emailOrg();
    const { rejected } = await deliverEmail(fixture("gmail-new", org.domain), { to: `Support+Sales@${org.domain}` });
    expect(rejected).toBeUndefined();
    await onlyTicket(org.id);
  });

  it("rejects mail to an address no organization has, storing nothing", async () => {
    const org = await emailOrg();
    const { rejected } = await deliverEmail(fixture("gmail-new", org.domain), { to: `help@${org.domain}` });
    expect(rejected).toBe("Unknown recipient");
    expect(await rows("select id from tickets where organization_id = ?", org.id)).toEqual([]);
  });

  it("decodes an ISO-8859-1 subject, sender name and quoted-printable body", async () => {
    const org = await emailOrg();
    await deliverEmail(fixture("iso-8859-1", org.domain));
    const { json } = await getTicket(org.apiKey, await onlyTicket(org.id));
    expect(json.ticket.title).toBe("Problème de facturation à régler");
    expect(json.ticket.customer).toMatchObject({ email: "renee.lefevre@example.fr", name: "Renée Lefèvre" });
    expect(json.ticket.messages[0]?.content).toContain("J'ai été facturée deux fois ce mois-ci. Pouvez-vous vérifier ?");
  });

  it("turns HTML-only mail into readable text", async () => {
    const org = await emailOrg();
    await deliverEmail(fixture("html-only", org.domain));
    const { json } = await getTicket(org.apiKey, await onlyTicket(org.id));
    const content = json.ticket.messages[0]?.content ?? "";
    expect(content).toContain("Do you ship to Canada & Mexico?");
    expect(content).toContain("My order number is #4471.");
    expect(content).not.toMatch(/<[a-z]+/i);
  });

  it("titles a mail without subject (no subject) and keys a mail without Message-ID by its bytes: a redelivery adds nothing", async () => {
    const org = await emailOrg();
    const raw = fixture("no-message-id", org.domain).replace("Subject: Temperature alarm\r\n", "");
    await deliverEmail(raw);
    await deliverEmail(raw);
    const ticketId = await onlyTicket(org.id);
    expect((await getTicket(org.apiKey, ticketId)).json.ticket.title).toBe("(no subject)");
    const [row] = await rows<{ message_id: string }>("select message_id from email_messages where ticket_id = ?", ticketId);
    expect(row?.message_id).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("lists email tickets with listTickets?channel=email", async () => {
    const org = await emailOrg();
    const { ticketId } = await gmailTicket(org);
    const api = await call("POST", "/api/ext-v1/ticket/createTicket", {
      key: org.apiKey,
      body: { title: "By API", customerEmail: "a@example.com" },
    });
    const email = await call("GET", "/api/ext-v1/ticket/listTickets?channel=email", { key: org.apiKey });
    expect(email.json.tickets.map((t) => t.id)).toEqual([ticketId]);
    const viaApi = await call("GET", "/api/ext-v1/ticket/listTickets?channel=api", { key: org.apiKey });
    expect(viaApi.json.tickets.map((t) => [t.id, t.channel])).toEqual([[api.json.ticketId, "api"]]);
  });

  it("costs two D1 round trips on its shard (a read deciding what the mail is, one batch storing it), and one directory lookup per isolate and address", async () => {
    const org = await emailOrg();
    const shards = [...new Set([DIRECTORY_SHARD, org.shard])];
    const counting = shards.map((shard) => ({ shard, ...countingD1(shardDb(shard)) }));
    const overrides = Object.assign({}, ...counting.map((c) => withShardDb(c.shard, c.binding)));
    const roundTrips = () => counting.reduce((sum, c) => sum + c.counts.roundTrips, 0);
    captureSends();
    await deliverEmail(fixture("gmail-new", org.domain), { env: overrides });
    await onlyTicket(org.id);
    // With more than one shard, shard 0's directory says where the address lives.
    expect(roundTrips()).toBe(SHARDS > 1 ? 3 : 2);
    const before = roundTrips();
    await deliverEmail(fixture("gmail-new", org.domain).replace(GMAIL_ID, "second-mail@mail.gmail.com"), { env: overrides });
    expect(roundTrips() - before).toBe(2);
  });
});

describe("email(): an email ticket is like any other afterwards", () => {
  it("has its events delivered to the organization's webhook endpoints", async () => {
    const org = await emailOrg();
    await createEndpoint(org, { url: "https://hooks.example.com/tickets" });
    const webhooks = captureWebhookSends();
    captureSends();
    await deliverEmail(fixture("gmail-new", org.domain));
    const ticketId = await onlyTicket(org.id);
    expect(webhooks.take().map((m) => m.body)).toEqual([{ type: "dispatch", organizationId: org.id, shard: org.shard }]);
    const types = await rows<{ event_type: string }>(
      "select d.event_type from webhook_deliveries as d join ticket_events as e on e.id = d.event_id where e.ticket_id = ? order by e.created_at, e.id",
      ticketId,
    );
    expect(types.map((t) => t.event_type)).toEqual(["ticket.created", "ticket.email_received"]);
  });

  it("takes updateTicket like an API ticket", async () => {
    const org = await emailOrg();
    captureSends();
    await deliverEmail(fixture("gmail-new", org.domain));
    const ticketId = await onlyTicket(org.id);
    const res = await call("POST", "/api/ext-v1/ticket/updateTicket", { key: org.apiKey, body: { ticketId, status: "resolved" } });
    expect(res.status).toBe(200);
    expect(res.json.ticket).toMatchObject({ status: "resolved", channel: "email" });
  });
});

describe("email(): exactly once, durable before acknowledged", () => {
  it("adds nothing for a redelivered Message-ID", async () => {
    const org = await emailOrg();
    const { ticketId, sends } = await gmailTicket(org);
    await deliverEmail(fixture("gmail-new", org.domain));
    await onlyTicket(org.id);
    expect(sends.take()).toEqual([]);
    expect(await rows("select count(*) as n from ticket_messages where ticket_id = ?", ticketId)).toEqual([{ n: 1 }]);
  });

  it("throws when an attachment cannot be stored in R2, and stores nothing (the sender retries)", async () => {
    const org = await emailOrg();
    const failing = new Proxy(env.ATTACHMENTS, {
      get: (target, prop) => (prop === "put" ? () => Promise.reject(new Error("R2 unavailable")) : Reflect.get(target, prop, target)),
    });
    await expect(deliverEmail(fixture("attachment", org.domain), { env: { ATTACHMENTS: failing } })).rejects.toThrow(
      /attachment upload failed/,
    );
    expect(await rows("select id from tickets where organization_id = ?", org.id)).toEqual([]);
    expect(await rows("select id from email_messages where organization_id = ?", org.id)).toEqual([]);
  });

  it("throws when the write batch fails after the attachments were put, and deletes them from R2", async () => {
    const org = await emailOrg();
    let batches = 0;
    const failingWrite = new Proxy(org.db, {
      get: (target, prop) =>
        prop === "batch"
          ? (statements: D1PreparedStatement[]) =>
              ++batches === 1 ? target.batch(statements) : Promise.reject(new Error("D1_ERROR: write failed"))
          : Reflect.get(target, prop, target),
    });
    await expect(deliverEmail(fixture("attachment", org.domain), { env: withShardDb(org.shard, failingWrite) })).rejects.toThrow(
      /write failed/,
    );
    expect(batches).toBe(2);
    expect((await env.ATTACHMENTS.list({ prefix: `attachments/${org.id}/` })).objects).toEqual([]);
    expect(await rows("select id from email_messages where organization_id = ?", org.id)).toEqual([]);
  });

  it("throws when D1 cannot be read, so the mail is retried instead of lost", async () => {
    const org = await emailOrg();
    const broken = new Proxy(org.db, {
      get: (target, prop) =>
        prop === "batch" ? () => Promise.reject(new Error("D1_ERROR: storage unavailable")) : Reflect.get(target, prop, target),
    });
    await expect(deliverEmail(fixture("gmail-new", org.domain), { env: withShardDb(org.shard, broken) })).rejects.toThrow(
      /storage unavailable/,
    );
  });
});

describe("email(): threading", () => {
  it("adds a Gmail reply naming the ticket's Message-ID as a customer message, without the quoted history", async () => {
    const org = await emailOrg();
    const { ticketId, sends } = await gmailTicket(org);
    await rows("update tickets set status = 'waiting_for_customer' where id = ?", ticketId);
    const { rejected } = await deliverEmail(fixture("gmail-reply", org.domain, { THREAD_ID: GMAIL_ID }));
    expect(rejected).toBeUndefined();
    const { json } = await getTicket(org.apiKey, ticketId);
    expect(json.ticket.status).toBe("open");
    expect(json.ticket.messages.at(-1)).toEqual({
      role: "customer",
      from: "jane.doe@example.com",
      content: "That worked, thank you! I can log in again.",
    });
    expect(await eventTypes(ticketId)).toEqual(["created", "email_received", "message_added", "status_changed", "email_received"]);
    // Slack hears of the reply, as for addMessages.
    expect(sends.take()).toEqual([{ jobId: expect.any(String), kind: "event", ticketId, shard: org.shard }]);
  });

  it("threads an Outlook reply (base64 text) and cuts the From/Sent block below it", async () => {
    const org = await emailOrg();
    const { ticketId } = await gmailTicket(org);
    await deliverEmail(fixture("outlook-reply", org.domain, { THREAD_ID: GMAIL_ID }));
    const { json } = await getTicket(org.apiKey, ticketId);
    expect(json.ticket.messages.at(-1)).toEqual({
      role: "customer",
      from: "mark.smith@example.org",
      content: "Hello,\n\nThe invoice you sent me is still wrong; I was charged twice for November.\n\nRegards,\nMark",
    });
  });

  it("threads an Apple Mail reply by the reply token in the recipient's +tag when it has no threading headers", async () => {
    const org = await emailOrg();
    const { ticketId } = await gmailTicket(org);
    const [{ reply_token: token }] = (await rows<{ reply_token: string }>("select reply_token from tickets where id = ?", ticketId)) as [
      { reply_token: string },
    ];
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    await deliverEmail(fixture("apple-mail-reply", org.domain, { TOKEN: token }));
    const { json } = await getTicket(org.apiKey, ticketId);
    expect(json.ticket.messages.map((m) => m.content)).toEqual([
      expect.any(String),
      "Actually it stopped working again on my iPad.\n\nJane",
    ]);
  });

  it.each([
    ["on the same shard", 1, 1],
    ["on another shard", 1, 2],
  ])("never threads onto another organization's ticket (%s): the same Message-ID opens a new ticket there", async (_, a, b) => {
    const [first, second] = [await emailOrg({}, { shard: a % SHARDS }), await emailOrg({}, { shard: b % SHARDS })];
    const { ticketId } = await gmailTicket(first);
    await deliverEmail(fixture("gmail-reply", second.domain, { THREAD_ID: GMAIL_ID }));
    const own = await onlyTicket(second.id);
    expect(own).not.toBe(ticketId);
    expect((await getTicket(first.apiKey, ticketId)).json.ticket.messages).toHaveLength(1);
  });

  it("opens a follow-up ticket for a reply to a ticket that holds the most messages, leaving the full one as it was", async () => {
    const org = await emailOrg();
    const { ticketId } = await gmailTicket(org);
    await rowsOn(
      org.shard,
      `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
       insert into ticket_messages (ticket_id, position, role, content) select ?, i, 'agent', 'filler' from n`,
      MAX_TICKET_MESSAGES - 1,
      ticketId,
    );
    const reply = fixture("gmail-reply", org.domain, { THREAD_ID: GMAIL_ID });
    const { rejected } = await deliverEmail(reply);
    expect(rejected).toBeUndefined();
    const all = await rows<{ id: string }>("select id from tickets where organization_id = ? order by created_at", org.id);
    expect(all).toHaveLength(2);
    expect(await rows("select count(*) as n from ticket_messages where ticket_id = ?", ticketId)).toEqual([{ n: MAX_TICKET_MESSAGES }]);
    const followUp = (await getTicket(org.apiKey, all[1]!.id)).json.ticket;
    expect(followUp.messages[0]?.content).toContain("That worked, thank you!");
  });

  it("keeps a reply's attachments with the reply's own message", async () => {
    const org = await emailOrg();
    const { ticketId } = await gmailTicket(org);
    const reply = fixture("attachment", org.domain).replace(
      "Message-ID: <CAJx3f0qAttach_1@mail.gmail.com>",
      `Message-ID: <CAJx3f0qAttach_1@mail.gmail.com>\r\nIn-Reply-To: <${GMAIL_ID}>`,
    );
    await deliverEmail(reply);
    const { json } = await getTicket(org.apiKey, ticketId);
    expect(json.ticket.messages.map((m) => m.attachments?.map((a) => a.filename) ?? [])).toEqual([
      [],
      ["screenshot.png", "invoice-2026-11.pdf"],
    ]);
    expect((await env.ATTACHMENTS.list({ prefix: `attachments/${org.id}/` })).objects).toHaveLength(2);
  });

  it("keeps an out-of-office reply on its ticket, but it neither reopens the ticket nor tells Slack", async () => {
    const org = await emailOrg();
    const { ticketId, sends } = await gmailTicket(org);
    await rows("update tickets set status = 'waiting_for_customer' where id = ?", ticketId);
    await deliverEmail(fixture("out-of-office", org.domain, { THREAD_ID: GMAIL_ID }));
    const { json } = await getTicket(org.apiKey, ticketId);
    expect(json.ticket.status).toBe("waiting_for_customer");
    expect(json.ticket.messages.at(-1)?.content).toBe("I am out of the office until 8 December with limited access to email.");
    expect(sends.take()).toEqual([]);
  });
});

describe("email(): bounces", () => {
  it("opens no ticket for a bounce, and records email_failed on the ticket of the message of ours it returns", async () => {
    const org = await emailOrg();
    const { ticketId } = await gmailTicket(org);
    const sentId = `${crypto.randomUUID()}@${org.domain}`;
    await rowsOn(
      org.shard,
      "insert into email_messages (id, organization_id, message_id, ticket_id, direction, created_at) values (?, ?, ?, ?, 'out', ?)",
      crypto.randomUUID(),
      org.id,
      sentId,
      ticketId,
      new Date().toISOString(),
    );
    const { rejected } = await deliverEmail(fixture("bounce", org.domain, { SENT_ID: sentId }), { from: "" });
    expect(rejected).toBeUndefined();
    await onlyTicket(org.id);
    const [failed] = await rows<{ data: string }>("select data from ticket_events where ticket_id = ? and type = 'email_failed'", ticketId);
    expect(JSON.parse(failed!.data)).toEqual({
      kind: "bounce",
      error: "Undelivered Mail Returned to Sender",
      bounceMessageId: "20261201100601.9A1B2C3D4E@mx.example.net",
    });
  });

  it("records a redelivered bounce once", async () => {
    const org = await emailOrg();
    const { ticketId } = await gmailTicket(org);
    const sentId = `${crypto.randomUUID()}@${org.domain}`;
    await rowsOn(
      org.shard,
      "insert into email_messages (id, organization_id, message_id, ticket_id, direction, created_at) values (?, ?, ?, ?, 'out', ?)",
      crypto.randomUUID(),
      org.id,
      sentId,
      ticketId,
      new Date().toISOString(),
    );
    const bounce = fixture("bounce", org.domain, { SENT_ID: sentId });
    await deliverEmail(bounce, { from: "" });
    await deliverEmail(bounce, { from: "" });
    expect(await rows("select count(*) as n from ticket_events where ticket_id = ? and type = 'email_failed'", ticketId)).toEqual([
      { n: 1 },
    ]);
  });

  it("drops a bounce of a message it does not know, storing nothing", async () => {
    const org = await emailOrg();
    await deliverEmail(fixture("bounce", org.domain, { SENT_ID: "unknown@elsewhere.example" }), { from: "" });
    expect(await rows("select id from tickets where organization_id = ?", org.id)).toEqual([]);
  });
});

describe("email(): attachments", () => {
  it("stores each in R2, lists it on the message and serves it as a download", async () => {
    const org = await emailOrg();
    await deliverEmail(fixture("attachment", org.domain));
    const ticketId = await onlyTicket(org.id);
    const { json } = await getTicket(org.apiKey, ticketId);
    const message = json.ticket.messages[0]!;
    expect(message.content).toBe("Here is the screenshot and the invoice.");
    expect(message.attachments).toEqual([
      { id: expect.any(String), filename: "screenshot.png", contentType: "image/png", size: 70 },
      { id: expect.any(String), filename: "invoice-2026-11.pdf", contentType: "application/pdf", size: 45 },
    ]);
    const pdf = message.attachments![1]!;
    const res = await call("GET", `/api/ext-v1/ticket/getAttachment/${pdf.id}`, { key: org.apiKey });
    expect(res.status).toBe(200);
    expect(res.text).toBe("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''invoice-2026-11.pdf");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const stored = await env.ATTACHMENTS.get(`attachments/${org.id}/${pdf.id}`);
    expect(stored?.size).toBe(45);
  });

  it("keeps at most the bounded number and size, naming what it left out in the message", async () => {
    const org = await emailOrg();
    captureSends();
    // One attachment of at most 64 bytes: the 70-byte PNG is over the size; the 45-byte PDF fits.
    const { rejected } = await deliverEmail(fixture("attachment", org.domain), {
      limits: { ...EMAIL_LIMITS, attachments: 1, attachmentBytes: 64 },
    });
    expect(rejected).toBeUndefined();
    const { json } = await getTicket(org.apiKey, await onlyTicket(org.id));
    const stored = json.ticket.messages[0]!;
    expect(stored.attachments?.map((a) => a.filename)).toEqual(["invoice-2026-11.pdf"]);
    expect(stored.content).toBe(
      "Here is the screenshot and the invoice.\n\n[1 attachment not kept (at most 1, 64 bytes each): screenshot.png]",
    );
  });

  it("names at most ten left-out attachments, clipped, and never loses the customer's text to the note", async () => {
    const org = await emailOrg();
    const part = (i: number) =>
      [
        "--b1",
        `Content-Type: text/plain; name="${"n".repeat(240)}-${i}.txt"`,
        `Content-Disposition: attachment; filename="${"n".repeat(240)}-${i}.txt"`,
        "",
        "x",
      ].join("\r\n");
    const raw = [
      "From: Jane <jane.doe@example.com>",
      `To: support@${org.domain}`,
      "Subject: Many files",
      "Message-ID: <many-files@example.com>",
      'Content-Type: multipart/mixed; boundary="b1"',
      "",
      "--b1",
      "Content-Type: text/plain",
      "",
      "Hello there",
      ...Array.from({ length: 60 }, (_, i) => part(i)),
      "--b1--",
      "",
    ].join("\r\n");
    captureSends();
    await deliverEmail(raw, { limits: { ...EMAIL_LIMITS, attachments: 0 } });
    const { json } = await getTicket(org.apiKey, await onlyTicket(org.id));
    const content = json.ticket.messages[0]!.content;
    expect(content.startsWith("Hello there\n\n[60 attachments not kept")).toBe(true);
    expect(content.endsWith(", and 50 more]")).toBe(true);
    expect(content.length).toBeLessThan(EMAIL_LIMITS.content);
  });

  it.each([
    ["on the same shard", 2, 2],
    ["on another shard", 2, 0],
  ])("answers 404 for another organization's attachment (%s) and for an unknown id", async (_, a, b) => {
    const org = await emailOrg({}, { shard: a % SHARDS });
    await deliverEmail(fixture("attachment", org.domain));
    const { json } = await getTicket(org.apiKey, await onlyTicket(org.id));
    const other = await createOrg({ shard: b % SHARDS });
    const id = json.ticket.messages[0]!.attachments![0]!.id;
    const res = await call("GET", `/api/ext-v1/ticket/getAttachment/${id}`, { key: other.apiKey });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ success: false, error: "Attachment not found", code: "attachment_not_found" });
    expect((await call("GET", "/api/ext-v1/ticket/getAttachment/nope", { key: org.apiKey })).status).toBe(404);
  });
});

describe("email(): bad mail is rejected with a reason and stores nothing", () => {
  it("rejects a message over 10 MiB", async () => {
    const org = await emailOrg();
    const raw = fixture("gmail-new", org.domain) + "x".repeat(10 * 1024 * 1024);
    const { rejected } = await deliverEmail(raw);
    expect(rejected).toBe("Message too large: at most 10 MiB");
    expect(await rows("select id from tickets where organization_id = ?", org.id)).toEqual([]);
  });

  it("rejects a message with no usable sender address", async () => {
    const org = await emailOrg();
    const raw = fixture("gmail-new", org.domain).replace("From: Jane Doe <jane.doe@example.com>", "From: Jane Doe <not an address>");
    const { rejected } = await deliverEmail(raw, { from: "" });
    expect(rejected).toBe("No usable sender address");
  });

  it("rejects bytes that are no message", async () => {
    const org = await emailOrg();
    const { rejected } = await deliverEmail(new Uint8Array([0, 159, 146, 150, 0, 1, 2]), { to: org.address, from: "a@example.com" });
    expect(rejected).toMatch(/^Unparseable message/);
  });

  it("rejects a sender's 21st new ticket within an hour, but still takes their replies", async () => {
    const org = await emailOrg();
    const mail = (i: number) => fixture("gmail-new", org.domain).replace(GMAIL_ID, `rate-${i}@mail.gmail.com`);
    for (let i = 0; i < 20; i++) expect((await deliverEmail(mail(i))).rejected).toBeUndefined();
    expect((await deliverEmail(mail(20))).rejected).toBe("Too many new tickets from this sender: at most 20 per hour");
    expect(await rows("select count(*) as n from tickets where organization_id = ?", org.id)).toEqual([{ n: 20 }]);
    const reply = fixture("gmail-reply", org.domain, { THREAD_ID: "rate-0@mail.gmail.com" });
    expect((await deliverEmail(reply)).rejected).toBeUndefined();
  });
});
