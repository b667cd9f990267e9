import { describe, expect, it } from "vitest";
import { createOrg } from "../support/orgs";
import {
  ASSIGN_TO_OWNER,
  ASSIGN_TO_OWNERS,
  UNASSIGN_MANY,
  UNASSIGN_ONE,
  counts,
  newDevice,
  post,
  queryCustomer,
  storedDevice,
} from "../support/devices";
import { rows } from "../support/tickets";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const customerNamed = async (organizationId: string, email: string) =>
  (
    await rows<{ id: string; name: string; email: string }>(
      "select id, name, email from customers where organization_id = ? and email_lower = ?",
      organizationId,
      email,
    )
  )[0];

describe("assignDeviceToOwners", () => {
  it("Telemetron's first example: an existing device to a new customer, created and named by the email prefix", async () => {
    const org = await createOrg();
    const deviceId = await newDevice(org.apiKey, { identifier: "SN-12345-ABCDE" });
    const res = await post(ASSIGN_TO_OWNERS, org.apiKey, { deviceIdentifier: "SN-12345-ABCDE", customerEmails: ["john.doe@example.com"] });
    expect(res.status, res.text).toBe(200);
    const john = await customerNamed(org.id, "john.doe@example.com");
    expect(john).toMatchObject({ name: "john.doe" });
    expect(res.json).toEqual({
      success: true,
      message: "Successfully assigned device to 1 customer(s)",
      deviceId,
      deviceWasCreated: false,
      assignedCustomers: [{ email: "john.doe@example.com", customerId: john!.id, wasCreated: true }],
      invalidEmails: [],
    });
  });

  it("Telemetron's second example: two owners, one existing, one new", async () => {
    const org = await createOrg();
    await newDevice(org.apiKey, { identifier: "SN-12345-ABCDE" });
    await post(ASSIGN_TO_OWNERS, org.apiKey, { deviceIdentifier: "SN-12345-ABCDE", customerEmails: ["john.doe@example.com"] });
    const res = await post(ASSIGN_TO_OWNERS, org.apiKey, {
      deviceIdentifier: "SN-12345-ABCDE",
      customerEmails: ["john.doe@example.com", "jane.smith@example.com"],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.message).toBe("Successfully assigned device to 2 customer(s)");
    expect(res.json.assignedCustomers).toEqual([
      { email: "john.doe@example.com", customerId: expect.stringMatching(UUID), wasCreated: false },
      { email: "jane.smith@example.com", customerId: expect.stringMatching(UUID), wasCreated: true },
    ]);
    // Re-assigning an existing pair is a no-op: two links, not three.
    expect(await counts(org.id)).toEqual({ devices: 1, customers: 2, links: 2 });
  });

  it("Telemetron's auto-create example creates the device with its type", async () => {
    const org = await createOrg();
    const res = await post(ASSIGN_TO_OWNERS, org.apiKey, {
      deviceIdentifier: "SN-12345-ABCDE",
      customerEmails: ["john.doe@example.com"],
      autoCreateDevice: true,
      deviceType: "Thermostat",
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ deviceWasCreated: true, deviceId: expect.stringMatching(UUID) });
    expect(await storedDevice(org.id, "SN-12345-ABCDE")).toMatchObject({ id: res.json.deviceId, type: "Thermostat" });
    // Again: the device exists now, so it was not created, and its type stays.
    const again = await post(ASSIGN_TO_OWNERS, org.apiKey, {
      deviceIdentifier: "SN-12345-ABCDE",
      customerEmails: ["john.doe@example.com"],
      autoCreateDevice: true,
      deviceType: "Sensor",
    });
    expect(again.json).toMatchObject({ deviceWasCreated: false, deviceId: res.json.deviceId });
    expect((await storedDevice(org.id, "SN-12345-ABCDE"))!.type).toBe("Thermostat");
  });

  it("404 with Telemetron's message for an unknown device without autoCreateDevice, creating no customer", async () => {
    const org = await createOrg();
    const res = await post(ASSIGN_TO_OWNERS, org.apiKey, { deviceIdentifier: "SN-67890-FGHIJ", customerEmails: ["john.doe@example.com"] });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      success: false,
      error: "Device not found with the provided identifier. Set autoCreateDevice to true to create it automatically.",
      code: "device_not_found",
    });
    expect(await counts(org.id)).toEqual({ devices: 0, customers: 0, links: 0 });
  });

  it("400 with Telemetron's message for autoCreateDevice without deviceType, even for an existing device", async () => {
    const org = await createOrg();
    await newDevice(org.apiKey, { identifier: "SN-1" });
    const res = await post(ASSIGN_TO_OWNERS, org.apiKey, {
      deviceIdentifier: "SN-1",
      customerEmails: ["a@example.com"],
      autoCreateDevice: true,
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ success: false, error: "deviceType is required when creating a new device" });
    expect((await counts(org.id)).links).toBe(0);
  });

  it("trims and lower-cases emails, skips invalid ones (listed in invalidEmails) and repeats", async () => {
    const org = await createOrg();
    await newDevice(org.apiKey, { identifier: "SN-1" });
    const res = await post(ASSIGN_TO_OWNERS, org.apiKey, {
      deviceIdentifier: "SN-1",
      customerEmails: ["  Mixed.Case@Example.COM ", "not-an-email", "mixed.case@example.com", ""],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.assignedCustomers).toEqual([{ email: "mixed.case@example.com", customerId: expect.any(String), wasCreated: true }]);
    expect(res.json.invalidEmails).toEqual(["not-an-email", ""]);
    expect(await customerNamed(org.id, "mixed.case@example.com")).toMatchObject({ email: "mixed.case@example.com", name: "mixed.case" });
  });

  it.each([
    ["no valid email", ["nope", "also nope"]],
    ["an empty list", []],
  ])('400 "No valid customer emails provided" for %s', async (_, customerEmails) => {
    const org = await createOrg();
    await newDevice(org.apiKey, { identifier: "SN-1" });
    const res = await post(ASSIGN_TO_OWNERS, org.apiKey, { deviceIdentifier: "SN-1", customerEmails });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ success: false, error: "No valid customer emails provided" });
  });

  it("400 for missing fields or an email list that is not an array of strings", async () => {
    const org = await createOrg();
    for (const body of [
      {},
      { deviceIdentifier: "SN-1" },
      { deviceIdentifier: "SN-1", customerEmails: "a@example.com" },
      { deviceIdentifier: "SN-1", customerEmails: [1] },
    ]) {
      const res = await post(ASSIGN_TO_OWNERS, org.apiKey, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.success).toBe(false);
    }
  });

  it("40 concurrent calls for one new device and one new email make one device, one customer, one link", async () => {
    const org = await createOrg();
    const body = { deviceIdentifier: "SN-RACE", customerEmails: ["race@example.com"], autoCreateDevice: true, deviceType: "sensor" };
    const results = await Promise.all(Array.from({ length: 40 }, () => post(ASSIGN_TO_OWNERS, org.apiKey, body)));
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
    expect(await counts(org.id)).toEqual({ devices: 1, customers: 1, links: 1 });
    expect(new Set(results.map((r) => r.json.deviceId)).size).toBe(1);
    expect(results.filter((r) => r.json.deviceWasCreated)).toHaveLength(1);
    expect(results.filter((r) => r.json.assignedCustomers[0].wasCreated)).toHaveLength(1);
  });
});

describe("assignDevicesToOwner", () => {
  it("Telemetron's example: sorts devices into assigned, alreadyAssigned and skipped", async () => {
    const org = await createOrg();
    const sn1 = await newDevice(org.apiKey, { identifier: "SN-001" });
    const sn2 = await newDevice(org.apiKey, { identifier: "SN-002" });
    await post(ASSIGN_TO_OWNER, org.apiKey, { customerEmail: "john.doe@example.com", deviceIdentifiers: ["SN-002"] });
    const res = await post(ASSIGN_TO_OWNER, org.apiKey, {
      customerEmail: "john.doe@example.com",
      deviceIdentifiers: ["SN-001", "SN-002", "SN-003"],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({
      success: true,
      // Counts every listed device now assigned, as Telemetron's example does (1 new + 1 already).
      message: "Successfully assigned 2 device(s) to customer",
      customerId: (await customerNamed(org.id, "john.doe@example.com"))!.id,
      customerWasCreated: false,
      assignedDevices: [{ identifier: "SN-001", deviceId: sn1, wasCreated: false }],
      alreadyAssigned: [{ identifier: "SN-002", deviceId: sn2, wasCreated: false }],
      skipped: ["SN-003"],
    });
    expect(await counts(org.id)).toEqual({ devices: 2, customers: 1, links: 2 });
  });

  it("creates a missing customer, and missing devices with autoCreateDevices and deviceType", async () => {
    const org = await createOrg();
    const existing = await newDevice(org.apiKey, { identifier: "SN-OLD" });
    const res = await post(ASSIGN_TO_OWNER, org.apiKey, {
      customerEmail: "New.Owner@example.com",
      deviceIdentifiers: ["SN-OLD", " SN-NEW ", "SN-NEW"],
      autoCreateDevices: true,
      deviceType: "sensor",
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({
      customerWasCreated: true,
      assignedDevices: [
        { identifier: "SN-OLD", deviceId: existing, wasCreated: false },
        { identifier: "SN-NEW", deviceId: expect.stringMatching(UUID), wasCreated: true },
      ],
      alreadyAssigned: [],
      skipped: [],
    });
    expect(await customerNamed(org.id, "new.owner@example.com")).toMatchObject({ name: "new.owner" });
  });

  it("all identifiers unknown without auto-create: 200 with every one skipped (the customer is still created)", async () => {
    const org = await createOrg();
    const res = await post(ASSIGN_TO_OWNER, org.apiKey, { customerEmail: "a@example.com", deviceIdentifiers: ["X-1", "X-2"] });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      message: "Successfully assigned 0 device(s) to customer",
      skipped: ["X-1", "X-2"],
      customerWasCreated: true,
    });
  });

  it.each([
    [
      "autoCreateDevices without deviceType",
      { customerEmail: "a@example.com", deviceIdentifiers: ["X"], autoCreateDevices: true },
      "deviceType is required when creating a new device",
    ],
    ["an invalid email", { customerEmail: "not-an-email", deviceIdentifiers: ["X"] }, "Invalid email format"],
    [
      "an empty identifier list",
      { customerEmail: "a@example.com", deviceIdentifiers: [] },
      "deviceIdentifiers must be a non-empty array of strings",
    ],
    ["only blank identifiers", { customerEmail: "a@example.com", deviceIdentifiers: ["", "  "] }, "No valid device identifiers provided"],
  ])("400 for %s, storing nothing", async (_, body, error) => {
    const org = await createOrg();
    const res = await post(ASSIGN_TO_OWNER, org.apiKey, body);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ success: false, error });
    expect(await counts(org.id)).toEqual({ devices: 0, customers: 0, links: 0 });
  });
});

describe("unassignDeviceFromOwner", () => {
  it("Telemetron's example: unassigns and lists what remains", async () => {
    const org = await createOrg();
    await post(ASSIGN_TO_OWNER, org.apiKey, {
      customerEmail: "john.doe@example.com",
      deviceIdentifiers: ["SN-12345-ABCDE", "SN-67890-FGHIJ"],
      autoCreateDevices: true,
      deviceType: "sensor",
    });
    const res = await post(UNASSIGN_ONE, org.apiKey, { deviceIdentifier: "SN-12345-ABCDE", customerEmail: "john.doe@example.com" });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({
      success: true,
      message: "Device successfully unassigned from customer",
      customerId: (await customerNamed(org.id, "john.doe@example.com"))!.id,
      deviceIdentifier: "SN-12345-ABCDE",
      devicesRemaining: ["SN-67890-FGHIJ"],
    });
    // Records stay; only the link went.
    expect(await counts(org.id)).toEqual({ devices: 2, customers: 1, links: 1 });
  });

  it("400 with the customer's current devices when the device is not assigned to them", async () => {
    const org = await createOrg();
    await post(ASSIGN_TO_OWNER, org.apiKey, {
      customerEmail: "john.doe@example.com",
      deviceIdentifiers: ["SN-67890-FGHIJ", "SN-11111-KKKKK"],
      autoCreateDevices: true,
      deviceType: "sensor",
    });
    await newDevice(org.apiKey, { identifier: "SN-12345-ABCDE" });
    const res = await post(UNASSIGN_ONE, org.apiKey, { deviceIdentifier: "SN-12345-ABCDE", customerEmail: "john.doe@example.com" });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      success: false,
      error: "Device is not assigned to this customer",
      code: "device_not_assigned",
      customerId: (await customerNamed(org.id, "john.doe@example.com"))!.id,
      deviceIdentifier: "SN-12345-ABCDE",
      // Oldest assignment first; assigned in one call, so by identifier.
      currentDevices: ["SN-11111-KKKKK", "SN-67890-FGHIJ"],
    });
  });

  it("404 with Telemetron's message for an unknown customer", async () => {
    const org = await createOrg();
    const res = await post(UNASSIGN_ONE, org.apiKey, { deviceIdentifier: "SN-1", customerEmail: "nobody@example.com" });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ success: false, error: "Customer not found for this organization", code: "customer_not_found" });
  });

  it('400 "Invalid email format" before anything else', async () => {
    const org = await createOrg();
    const res = await post(UNASSIGN_ONE, org.apiKey, { customerEmail: "bad" });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe("Invalid email format");
  });
});

describe("unassignDevicesFromOwner", () => {
  it("Telemetron's example: partial success with skipped and devicesRemaining", async () => {
    const org = await createOrg();
    await post(ASSIGN_TO_OWNER, org.apiKey, {
      customerEmail: "john.doe@example.com",
      deviceIdentifiers: ["SN-001", "SN-003"],
      autoCreateDevices: true,
      deviceType: "sensor",
    });
    await newDevice(org.apiKey, { identifier: "SN-002" });
    const res = await post(UNASSIGN_MANY, org.apiKey, { customerEmail: "john.doe@example.com", deviceIdentifiers: ["SN-001", "SN-002"] });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({
      success: true,
      message: "Successfully unassigned 1 device(s) from customer",
      customerId: (await customerNamed(org.id, "john.doe@example.com"))!.id,
      unassignedDevices: ["SN-001"],
      skipped: ["SN-002"],
      devicesRemaining: ["SN-003"],
    });
  });

  it("404 for an unknown customer, 400 for an empty list", async () => {
    const org = await createOrg();
    const missing = await post(UNASSIGN_MANY, org.apiKey, { customerEmail: "nobody@example.com", deviceIdentifiers: ["SN-1"] });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ success: false, error: "Customer not found for this organization", code: "customer_not_found" });
    expect((await post(UNASSIGN_MANY, org.apiKey, { customerEmail: "nobody@example.com", deviceIdentifiers: [] })).status).toBe(400);
  });
});

describe("tenant isolation", () => {
  it.each([
    ["on the same shard", 0, 0],
    ["on different shards", 1, 2],
  ] as const)("another organization's devices, customers and links are never visible or changeable, %s", async (_, shardA, shardB) => {
    const [a, b] = await Promise.all([createOrg({ shard: shardA }), createOrg({ shard: shardB })]);
    await post(ASSIGN_TO_OWNER, a.apiKey, {
      customerEmail: "owner@example.com",
      deviceIdentifiers: ["SN-A"],
      autoCreateDevices: true,
      deviceType: "sensor",
    });

    // b cannot assign a's device, and its failed call creates nothing in either organization.
    expect((await post(ASSIGN_TO_OWNERS, b.apiKey, { deviceIdentifier: "SN-A", customerEmails: ["owner@example.com"] })).status).toBe(404);
    expect(
      (await post(ASSIGN_TO_OWNER, b.apiKey, { customerEmail: "thief@example.com", deviceIdentifiers: ["SN-A"] })).json.skipped,
    ).toEqual(["SN-A"]);
    // b cannot see or remove a's customer's links.
    expect((await post(UNASSIGN_ONE, b.apiKey, { deviceIdentifier: "SN-A", customerEmail: "owner@example.com" })).status).toBe(404);
    expect((await post(UNASSIGN_MANY, b.apiKey, { customerEmail: "owner@example.com", deviceIdentifiers: ["SN-A"] })).status).toBe(404);
    // b's own customer with the same email is a different customer with no devices.
    await post(ASSIGN_TO_OWNER, b.apiKey, { customerEmail: "owner@example.com", deviceIdentifiers: ["SN-A"] });
    expect((await queryCustomer(b.apiKey, "owner@example.com")).json.devices).toEqual([]);

    expect((await queryCustomer(a.apiKey, "owner@example.com")).json.devices).toEqual(["SN-A"]);
    expect(await counts(a.id)).toEqual({ devices: 1, customers: 1, links: 1 });
    expect(await counts(b.id)).toEqual({ devices: 0, customers: 2, links: 0 });
  });

  it("401 for an unknown key on every assignment endpoint", async () => {
    for (const [path, body] of [
      [ASSIGN_TO_OWNERS, { deviceIdentifier: "SN-1", customerEmails: ["a@example.com"] }],
      [ASSIGN_TO_OWNER, { customerEmail: "a@example.com", deviceIdentifiers: ["SN-1"] }],
      [UNASSIGN_ONE, { customerEmail: "a@example.com", deviceIdentifier: "SN-1" }],
      [UNASSIGN_MANY, { customerEmail: "a@example.com", deviceIdentifiers: ["SN-1"] }],
    ] as const) {
      const res = await post(path, "tlm_xxxxxxxxxxxx", body);
      expect(res.status, path).toBe(401);
      expect(res.json).toEqual({ success: false, error: "Invalid or revoked API key", code: "invalid_api_key" });
    }
  });
});

describe("a customer with very many devices", () => {
  it("lists the oldest 5,000 identifiers and counts them all, within D1's 2 MB string limit", { timeout: 90_000 }, async () => {
    const org = await createOrg();
    const long = (i: number) => `${String(i).padStart(5, "0")}-${"x".repeat(249)}`; // 255 characters, the maximum
    // 8,000 identifiers of 255 characters: over 2 MB as one JSON array.
    for (let batch = 0; batch < 8; batch++) {
      const identifiers = Array.from({ length: 1000 }, (_, i) => long(batch * 1000 + i));
      const res = await post(ASSIGN_TO_OWNER, org.apiKey, {
        customerEmail: "fleet@example.com",
        deviceIdentifiers: identifiers,
        autoCreateDevices: true,
        deviceType: "sensor",
      });
      expect(res.status, res.text).toBe(200);
    }
    const fleet = await queryCustomer(org.apiKey, "fleet@example.com");
    expect(fleet.status).toBe(200);
    expect(fleet.json.deviceCount).toBe(8000);
    expect(fleet.json.devices).toHaveLength(5000);
    expect(fleet.json.devices[0]).toBe(long(0));
    const remaining = await post(UNASSIGN_MANY, org.apiKey, { customerEmail: "fleet@example.com", deviceIdentifiers: [long(0)] });
    expect(remaining.json.devicesRemaining).toHaveLength(5000);
  });
});
