import { beforeEach, describe, expect, it } from "vitest";
import { answer, fakeAi } from "../support/fake-ai";
import { admin } from "../support/http";
import { createOrg, setCategories, setRoutingRules } from "../support/orgs";
import { ticketAndMessage } from "../support/pipeline";
import { captureSends, runQueue } from "../support/queue";
import { interceptSlack, slackOk } from "../support/slack";
import { DEVICE, counts, newDevice, post } from "../support/devices";
import { createTicket, getTicket, rows } from "../support/tickets";

const ORG_WEBHOOK = "http://slack.test/services/org";

let sends: ReturnType<typeof captureSends>;
beforeEach(() => {
  sends = captureSends();
});

/** An org whose categories label tickets, customers and devices, routed by device category first. */
const deviceOrg = async () => {
  const org = await createOrg({ slackWebhookUrl: ORG_WEBHOOK });
  await setCategories(org.id, [
    { name: "Technical", description: "Errors and crashes" },
    { name: "Production", appliesTo: "device" },
    { name: "Enterprise", appliesTo: "customer" },
  ]);
  await setRoutingRules(org.id, [
    { when: { ticketCategory: "Technical", deviceCategory: "Production" }, assignTo: "@fleet-oncall" },
    { when: { ticketCategory: "Technical" }, assignTo: "@support" },
  ]);
  return org;
};

/** Creates a ticket, runs its categorize job with the AI answering `category`; returns it with its notify message. */
const categorizeAs = async (apiKey: string, body: Record<string, unknown>, category: string) => {
  const { id, message } = await ticketAndMessage(sends, apiKey, body);
  await runQueue([message], { env: { AI: fakeAi(answer(category)).binding } });
  const [notify] = sends.take();
  return { id, notify: notify! };
};

describe("tickets about a device (extension)", () => {
  it("createTicket takes deviceIdentifier and getTicket shows the device", async () => {
    const org = await createOrg();
    const deviceId = await newDevice(org.apiKey, { identifier: "SN-12345", type: "Thermostat" });
    const res = await createTicket(org.apiKey, { title: "Cold", customerEmail: "a@example.com", deviceIdentifier: " SN-12345 " });
    expect(res.status, res.text).toBe(200);
    const ticket = (await getTicket(org.apiKey, res.json.ticketId)).json.ticket;
    expect(ticket.device).toEqual({ id: deviceId, identifier: "SN-12345", type: "Thermostat" });
  });

  it("404 for an unknown or foreign device, storing neither ticket nor customer", async () => {
    const [org, other] = await Promise.all([createOrg(), createOrg()]);
    await newDevice(other.apiKey, { identifier: "SN-THEIRS" });
    for (const deviceIdentifier of ["SN-NOPE", "SN-THEIRS"]) {
      const res = await createTicket(org.apiKey, { title: "t", customerEmail: "new@example.com", deviceIdentifier });
      expect(res.status, deviceIdentifier).toBe(404);
      expect(res.json).toEqual({ success: false, error: "Device not found", code: "device_not_found" });
    }
    expect(await counts(org.id)).toEqual({ devices: 0, customers: 0, links: 0 });
    expect(await rows("select id from tickets where organization_id = ?", org.id)).toEqual([]);
  });

  it("an unknown customerId is still the 404 it was when a device is named too", async () => {
    const org = await createOrg();
    await newDevice(org.apiKey, { identifier: "SN-1" });
    const res = await createTicket(org.apiKey, {
      title: "t",
      customerId: "00000000-0000-7000-8000-000000000000",
      deviceIdentifier: "SN-1",
    });
    expect(res.status).toBe(404);
    expect(res.json.error).toBe("Customer not found");
  });
});

describe("device-category routing", () => {
  it("a rule with deviceCategory matches only tickets about a device in that category", async () => {
    const org = await deviceOrg();
    await post(DEVICE, org.apiKey, { identifier: "SN-PROD", type: "sensor", categories: ["production"] });
    await post(DEVICE, org.apiKey, { identifier: "SN-LAB", type: "sensor" });
    const { id: onProd } = await categorizeAs(
      org.apiKey,
      { title: "Crash", customerEmail: "a@example.com", deviceIdentifier: "SN-PROD" },
      "Technical",
    );
    const { id: onLab } = await categorizeAs(
      org.apiKey,
      { title: "Crash", customerEmail: "a@example.com", deviceIdentifier: "SN-LAB" },
      "Technical",
    );
    const { id: noDevice } = await categorizeAs(org.apiKey, { title: "Crash", customerEmail: "a@example.com" }, "Technical");
    expect((await getTicket(org.apiKey, onProd)).json.ticket.assignee).toBe("@fleet-oncall");
    expect((await getTicket(org.apiKey, onLab)).json.ticket.assignee).toBe("@support");
    expect((await getTicket(org.apiKey, noDevice)).json.ticket.assignee).toBe("@support");
  });

  it("device categories are neither ticket categories on create nor choices for the classifier", async () => {
    const org = await deviceOrg();
    const ai = fakeAi(answer("none"));
    const { id, message } = await ticketAndMessage(sends, org.apiKey, {
      title: "t",
      customerEmail: "a@example.com",
      category: "Production",
    });
    expect((await getTicket(org.apiKey, id)).json.ticket).toMatchObject({ category: null, processing: { categorization: "pending" } });
    await runQueue([message], { env: { AI: ai.binding } });
    expect(ai.calls[0]!.choices).toEqual(["Technical", "none"]);
  });

  it("the Slack message shows the device identifier, escaped", async () => {
    const org = await deviceOrg();
    await post(DEVICE, org.apiKey, { identifier: "<!channel> SN-9", type: "sensor" });
    const { notify } = await categorizeAs(
      org.apiKey,
      { title: "Crash", customerEmail: "a@example.com", deviceIdentifier: "<!channel> SN-9" },
      "Technical",
    );
    const posts = interceptSlack(slackOk());
    await runQueue([notify]);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body.blocks[1].fields).toContainEqual({ type: "mrkdwn", text: "*Device*\n&lt;!channel&gt; SN-9", verbatim: true });
  });

  it("a ticket without a device has no Device field", async () => {
    const org = await deviceOrg();
    const { notify } = await categorizeAs(org.apiKey, { title: "Crash", customerEmail: "a@example.com" }, "Technical");
    const posts = interceptSlack(slackOk());
    await runQueue([notify]);
    expect(posts[0]!.body.blocks[1].fields.map((f: { text: string }) => f.text.split("\n")[0])).toEqual([
      "*Priority*",
      "*Category*",
      "*Assignee*",
      "*Customer*",
      "*Ticket ID*",
    ]);
  });
});

describe("routing-rule warnings", () => {
  it("names each rule that an earlier, broader rule shadows", async () => {
    const org = await deviceOrg();
    const res = await admin("PUT", `/admin/organizations/${org.id}/routing-rules`, [
      { when: { ticketCategory: "Technical" }, assignTo: "@support" },
      { when: { ticketCategory: "technical", deviceCategory: "Production" }, assignTo: "@fleet-oncall" },
      { when: { customerCategory: "Enterprise" }, assignTo: "@enterprise" },
      { when: { priority: "urgent", customerCategory: "Enterprise", deviceCategory: "Production" }, assignTo: "@war-room" },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.rules).toHaveLength(4);
    // Positions as the operator numbered the rules: the second rule is rule 2.
    expect(res.json.warnings).toEqual([
      {
        rule: 2,
        shadowedBy: 1,
        message: expect.stringContaining(
          "Rule 2 (ticketCategory = technical AND deviceCategory = Production → @fleet-oncall) can never match: rule 1",
        ),
      },
      { rule: 4, shadowedBy: 3, message: expect.stringContaining("rule 3 (customerCategory = Enterprise → @enterprise)") },
    ]);
  });

  it("no warnings when specific rules come first", async () => {
    const org = await deviceOrg();
    const res = await admin("PUT", `/admin/organizations/${org.id}/routing-rules`, [
      { when: { ticketCategory: "Technical", deviceCategory: "Production" }, assignTo: "@fleet-oncall" },
      { when: { ticketCategory: "Technical" }, assignTo: "@support" },
      { when: { priority: "urgent" }, assignTo: "@war-room" },
    ]);
    expect(res.json).toMatchObject({ success: true, warnings: [] });
  });

  it("400 for a deviceCategory the organization does not have", async () => {
    const org = await deviceOrg();
    const res = await admin("PUT", `/admin/organizations/${org.id}/routing-rules`, [{ when: { deviceCategory: "Nope" }, assignTo: "@x" }]);
    expect(res.status).toBe(400);
    expect(res.json.issues).toEqual([{ path: "0.when.deviceCategory", message: 'unknown category "Nope"' }]);
  });
});
