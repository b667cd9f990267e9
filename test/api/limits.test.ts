import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/api/tickets/schemas";
import { call } from "../support/http";
import { createOrg } from "../support/orgs";
import { createTicket, rows } from "../support/tickets";

const MiB = 1024 * 1024;
const CREATE = "/api/ext-v1/ticket/createTicket";

const ticketCount = async (orgId: string) =>
  (await rows<{ n: number }>("select count(*) as n from tickets where organization_id = ?", orgId))[0]!.n;

/** A JSON body of exactly `bytes` bytes: a ticket whose description pads it out. */
const paddedBody = (bytes: number) => {
  const shell = JSON.stringify({ title: "big", customerEmail: "big@example.com", description: "" });
  return shell.replace('"description":""', `"description":"${"x".repeat(bytes - shell.length)}"`);
};

describe("request body limit (1 MiB)", () => {
  it("a body over 1 MiB is a 413 in the contract's shape and stores nothing", async () => {
    const org = await createOrg();
    const body = paddedBody(MiB + 1);
    expect(new TextEncoder().encode(body).length).toBe(MiB + 1);
    const res = await call("POST", CREATE, { key: org.apiKey, rawBody: body, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ success: false, error: expect.stringContaining("1 MiB"), code: "payload_too_large" });
    expect(await ticketCount(org.id)).toBe(0);
  });

  it("a body of exactly 1 MiB is read and validated: the schema bounds answer, with a 400", async () => {
    const org = await createOrg();
    const res = await call("POST", CREATE, { key: org.apiKey, rawBody: paddedBody(MiB), headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(res.json.issues).toEqual([{ path: "description", message: expect.any(String) }]);
  });

  it("a streamed body without Content-Length is cut off at the limit, without reading the rest", async () => {
    const org = await createOrg();
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    const totalChunks = 256; // 16 MiB if anyone read it all
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled === 0) controller.enqueue(new TextEncoder().encode('{"title":"stream","customerEmail":"s@example.com","description":"'));
        else if (pulled >= totalChunks) controller.close();
        else controller.enqueue(chunk);
        pulled++;
      },
    });
    const res = await exports.default.fetch(
      new Request(`https://ticket-intake.test${CREATE}`, {
        method: "POST",
        headers: { "x-api-key": org.apiKey, "content-type": "application/json" },
        body: stream,
      }),
    );
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ success: false });
    expect(pulled).toBeLessThan(totalChunks / 4);
    expect(await ticketCount(org.id)).toBe(0);
  });

  it("applies to every route, operator ones included", async () => {
    const res = await call("POST", "/admin/organizations", {
      rawBody: JSON.stringify({ name: "n".repeat(MiB) }),
      headers: { authorization: "Bearer test-admin-token", "content-type": "application/json" },
    });
    expect(res.status).toBe(413);
    expect(res.json.success).toBe(false);
  });
});

describe("documented schema bounds", () => {
  const base = { title: "Bounds", customerEmail: "b@example.com" };

  it.each([
    ["title", { title: "t".repeat(LIMITS.title + 1) }, "title"],
    ["description", { description: "d".repeat(LIMITS.description + 1) }, "description"],
    ["message content", { messages: [{ role: "customer", content: "m".repeat(LIMITS.messageContent + 1) }] }, "messages.0.content"],
    ["number of messages", { messages: Array.from({ length: LIMITS.messages + 1 }, () => ({ role: "bot", content: "hi" })) }, "messages"],
  ])("one over the %s bound is a 400 naming the field", async (_, extra, path) => {
    const org = await createOrg();
    const res = await createTicket(org.apiKey, { ...base, ...extra });
    expect(res.status).toBe(400);
    expect(res.json.issues).toEqual([{ path, message: expect.any(String) }]);
    expect(await ticketCount(org.id)).toBe(0);
  });

  it("everything at its bound at once fits under 1 MiB and is stored whole", async () => {
    const org = await createOrg();
    const messages = Array.from({ length: LIMITS.messages }, (_, i) => ({
      role: "customer",
      content: `${i}`.padEnd(LIMITS.messageContent, "."),
    }));
    const res = await createTicket(org.apiKey, {
      ...base,
      title: "t".repeat(LIMITS.title),
      description: "d".repeat(LIMITS.description),
      messages,
    });
    expect(res.status, res.text).toBe(200);
    const stored = await rows<{ n: number }>("select count(*) as n from ticket_messages where ticket_id = ?", res.json.ticketId);
    expect(stored[0]!.n).toBe(LIMITS.messages);
  });
});
