import { describe, expect, it } from "vitest";
import { call } from "../support/http";
import { createOrg } from "../support/orgs";
import { ASSIGN_TO_OWNERS, UNASSIGN_ONE, post, queryCustomer } from "../support/devices";

// Telemetron's Getting Started scenarios, driven end to end as a Telemetron client would.
const createCustomer = (key: string, body: Record<string, unknown>) =>
  call("POST", "/api/ext-v1/customer/createOrUpdateCustomer", { key, body });

describe("Telemetron's Getting Started scenarios", () => {
  it("a customer buys a device: create the customer, assign with autoCreateDevice, query their devices", async () => {
    const org = await createOrg();
    const created = await createCustomer(org.apiKey, { name: "John Doe", email: "john.doe@example.com" });
    expect(created.status).toBe(200);
    const assigned = await post(ASSIGN_TO_OWNERS, org.apiKey, {
      deviceIdentifier: "SN-12345-ABCDE",
      customerEmails: ["john.doe@example.com"],
      autoCreateDevice: true,
      deviceType: "Thermostat",
    });
    expect(assigned.status, assigned.text).toBe(200);
    expect(assigned.json.assignedCustomers).toEqual([
      { email: "john.doe@example.com", customerId: created.json.telemetronCustomerId, wasCreated: false },
    ]);
    const john = await queryCustomer(org.apiKey, "john.doe@example.com");
    expect(john.json).toMatchObject({ id: created.json.telemetronCustomerId, name: "John Doe", devices: ["SN-12345-ABCDE"] });
  });

  it("the customer sells it: unassign the old owner, create the new one, assign the new owner", async () => {
    const org = await createOrg();
    await post(ASSIGN_TO_OWNERS, org.apiKey, {
      deviceIdentifier: "SN-12345-ABCDE",
      customerEmails: ["john.doe@example.com"],
      autoCreateDevice: true,
      deviceType: "Thermostat",
    });

    const unassigned = await post(UNASSIGN_ONE, org.apiKey, { deviceIdentifier: "SN-12345-ABCDE", customerEmail: "john.doe@example.com" });
    expect(unassigned.json).toMatchObject({ success: true, devicesRemaining: [] });
    expect((await createCustomer(org.apiKey, { email: "new.owner@example.com" })).status).toBe(200);
    const reassigned = await post(ASSIGN_TO_OWNERS, org.apiKey, {
      deviceIdentifier: "SN-12345-ABCDE",
      customerEmails: ["new.owner@example.com"],
    });
    expect(reassigned.json).toMatchObject({ success: true, deviceWasCreated: false });

    expect((await queryCustomer(org.apiKey, "john.doe@example.com")).json.devices).toEqual([]);
    expect((await queryCustomer(org.apiKey, "new.owner@example.com")).json).toMatchObject({
      name: "new.owner",
      devices: ["SN-12345-ABCDE"],
    });
  });

  it("a family shares a device: every member exists, one call assigns them all", async () => {
    const org = await createOrg();
    const family = ["parent.one@example.com", "parent.two@example.com", "kid@example.com"];
    for (const email of family) expect((await createCustomer(org.apiKey, { email })).status).toBe(200);
    const res = await post(ASSIGN_TO_OWNERS, org.apiKey, {
      deviceIdentifier: "SN-FAMILY",
      customerEmails: family,
      autoCreateDevice: true,
      deviceType: "Gateway",
    });
    expect(res.json).toMatchObject({ message: "Successfully assigned device to 3 customer(s)", deviceWasCreated: true });
    expect(res.json.assignedCustomers.map((c: { wasCreated: boolean }) => c.wasCreated)).toEqual([false, false, false]);
    for (const email of family) expect((await queryCustomer(org.apiKey, email)).json.devices).toEqual(["SN-FAMILY"]);
  });
});
