import { describe, expect, it } from "vitest";
import { createOrg, setCategories } from "../support/orgs";
import { ASSIGN_TO_OWNER, BULK_METADATA, DEVICE, counts, newDevice, post, storedDevice } from "../support/devices";
import { call } from "../support/http";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// Telemetron's documented examples for POST /device, word for word.
const CREATE_EXAMPLE = {
  identifier: "sensor-001",
  type: "sensor",
  properties: { location: "Building A", firmware: "v2.1.0", model: "TM-500" },
};
const UPDATE_EXAMPLE = { identifier: "sensor-001", properties: { location: "Building B", firmware: "v2.2.0" } };

describe("POST /device", () => {
  it("creates a device with Telemetron's example and answers in its shape", async () => {
    const org = await createOrg();
    const res = await post(DEVICE, org.apiKey, CREATE_EXAMPLE);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({
      success: true,
      message: "Device created successfully",
      deviceId: expect.stringMatching(UUID),
      identifier: "sensor-001",
      type: "sensor",
    });
    expect(await storedDevice(org.id, "sensor-001")).toMatchObject({
      id: res.json.deviceId,
      type: "sensor",
      properties: CREATE_EXAMPLE.properties,
    });
  });

  it("updates with Telemetron's update example: same device, properties replaced, type kept", async () => {
    const org = await createOrg();
    const id = (await post(DEVICE, org.apiKey, CREATE_EXAMPLE)).json.deviceId;
    const res = await post(DEVICE, org.apiKey, UPDATE_EXAMPLE);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({
      success: true,
      message: "Device updated successfully",
      deviceId: id,
      identifier: "sensor-001",
      type: "sensor",
    });
    // Replaced, not merged: "model" is gone.
    expect((await storedDevice(org.id, "sensor-001"))!.properties).toEqual({ location: "Building B", firmware: "v2.2.0" });
  });

  it("an upsert with a type changes the type and keeps properties that were not sent", async () => {
    const org = await createOrg();
    await post(DEVICE, org.apiKey, CREATE_EXAMPLE);
    const res = await post(DEVICE, org.apiKey, { identifier: " sensor-001 ", type: "gateway" });
    expect(res.json).toMatchObject({ message: "Device updated successfully", identifier: "sensor-001", type: "gateway" });
    expect((await storedDevice(org.id, "sensor-001"))!.properties).toEqual(CREATE_EXAMPLE.properties);
    expect((await counts(org.id)).devices).toBe(1);
  });

  it("400 when creating without a type, and nothing is stored", async () => {
    const org = await createOrg();
    const res = await post(DEVICE, org.apiKey, { identifier: "new-1", properties: { a: 1 } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      success: false,
      error: "type is required when creating a device",
      code: "validation_failed",
      issues: [{ path: "type", message: "type is required when creating a device" }],
    });
    expect((await counts(org.id)).devices).toBe(0);
  });

  it.each([
    ["missing", {}],
    ["blank", { identifier: "   " }],
    ["not a string", { identifier: 42 }],
  ])("400 when the identifier is %s", async (_, body) => {
    const org = await createOrg();
    const res = await post(DEVICE, org.apiKey, { type: "sensor", ...body });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ success: false, error: "identifier must be a non-empty string", issues: [{ path: "identifier" }] });
  });

  it.each([
    ["an array", [1]],
    ["a string", "x"],
    ["null", null],
  ])("400 when properties is %s", async (_, properties) => {
    const org = await createOrg();
    const res = await post(DEVICE, org.apiKey, { identifier: "d", type: "sensor", properties });
    expect(res.status).toBe(400);
    expect(res.json.issues[0].path).toBe("properties");
  });

  it("categories (extension): device and shared categories by canonical name; others are a 400 that stores nothing", async () => {
    const org = await createOrg();
    await setCategories(org.id, [
      { name: "Production", appliesTo: "device" },
      { name: "Enterprise", appliesTo: "any" },
      { name: "VIP", appliesTo: "customer" },
      { name: "Billing", appliesTo: "ticket" },
      { name: "Legacy", appliesTo: "device", active: false },
    ]);
    const ok = await post(DEVICE, org.apiKey, { identifier: "d-1", type: "sensor", categories: ["enterprise", "PRODUCTION"] });
    expect(ok.status, ok.text).toBe(200);
    expect((await storedDevice(org.id, "d-1"))!.categories).toEqual(["Production", "Enterprise"]);
    for (const name of ["VIP", "Billing", "Legacy", "Nope"]) {
      const bad = await post(DEVICE, org.apiKey, { identifier: "d-2", type: "sensor", categories: ["Production", name] });
      expect(bad.status, name).toBe(400);
      expect(bad.json.issues).toEqual([{ path: "categories.1", message: expect.stringContaining(name) }]);
      // Updating an existing device with a bad category changes nothing either.
      expect((await post(DEVICE, org.apiKey, { identifier: "d-1", categories: [name] })).status).toBe(400);
    }
    expect((await counts(org.id)).devices).toBe(1);
    expect((await storedDevice(org.id, "d-1"))!.categories).toEqual(["Production", "Enterprise"]);
  });

  it("identifiers are per organization: another organization's same identifier is its own device", async () => {
    const [a, b] = await Promise.all([createOrg(), createOrg()]);
    const mine = await newDevice(a.apiKey, { identifier: "shared-serial", properties: { owner: "a" } });
    const theirs = await post(DEVICE, b.apiKey, { identifier: "shared-serial", type: "gateway", properties: { owner: "b" } });
    expect(theirs.json).toMatchObject({ message: "Device created successfully", type: "gateway" });
    expect(theirs.json.deviceId).not.toBe(mine);
    // b cannot update a's device without a type either: for b it does not exist.
    expect((await post(DEVICE, b.apiKey, { identifier: "shared-serial", properties: { owner: "b2" } })).json.deviceId).toBe(
      theirs.json.deviceId,
    );
    expect(await storedDevice(a.id, "shared-serial")).toMatchObject({ id: mine, type: "sensor", properties: { owner: "a" } });
  });

  it("401 for an unknown key, storing nothing", async () => {
    const res = await post(DEVICE, "tlm_xxxxxxxxxxxx", CREATE_EXAMPLE);
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ success: false, error: "Invalid or revoked API key", code: "invalid_api_key" });
  });
});

describe("POST /device/bulk-metadata", () => {
  // Telemetron's documented example body, word for word.
  const EXAMPLE = {
    devices: {
      "SN-A100": { firmwareVersion: "3.2.1", status: "active", location: "Building A" },
      "SN-B200": { firmwareVersion: "3.2.1", status: "maintenance" },
      "SN-UNKNOWN": { status: "active" },
    },
  };

  it("replaces the metadata of known devices and reports every key in input order", async () => {
    const org = await createOrg();
    const a = await newDevice(org.apiKey, { identifier: "SN-A100", properties: { old: true, location: "Attic" } });
    const b = await newDevice(org.apiKey, { identifier: "SN-B200" });
    const before = (await storedDevice(org.id, "SN-A100"))!.updated_at;
    const res = await post(BULK_METADATA, org.apiKey, EXAMPLE);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({
      success: true,
      updated: 2,
      notFound: 1,
      results: [
        { identifier: "SN-A100", deviceId: a, status: "updated" },
        { identifier: "SN-B200", deviceId: b, status: "updated" },
        { identifier: "SN-UNKNOWN", deviceId: "", status: "not_found" },
      ],
    });
    const stored = (await storedDevice(org.id, "SN-A100"))!;
    expect(stored.properties).toEqual(EXAMPLE.devices["SN-A100"]);
    expect(stored.updated_at >= before).toBe(true);
    // Nothing was created for the unknown identifier.
    expect((await counts(org.id)).devices).toBe(2);
  });

  it("trims identifier keys before matching", async () => {
    const org = await createOrg();
    const id = await newDevice(org.apiKey, { identifier: "SN-1" });
    const res = await post(BULK_METADATA, org.apiKey, { devices: { "  SN-1 ": { v: 2 } } });
    expect(res.json.results).toEqual([{ identifier: "SN-1", deviceId: id, status: "updated" }]);
    expect((await storedDevice(org.id, "SN-1"))!.properties).toEqual({ v: 2 });
  });

  it("1,000 devices in one call", async () => {
    const org = await createOrg();
    const identifiers = Array.from({ length: 1000 }, (_, i) => `BULK-${String(i).padStart(4, "0")}`);
    const created = await post(ASSIGN_TO_OWNER, org.apiKey, {
      customerEmail: "fleet@example.com",
      deviceIdentifiers: identifiers,
      autoCreateDevices: true,
      deviceType: "sensor",
    });
    expect(created.status, created.text).toBe(200);
    const devices = Object.fromEntries(identifiers.map((id, i) => [id, { slot: i }]));
    const res = await post(BULK_METADATA, org.apiKey, { devices });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ success: true, updated: 1000, notFound: 0 });
    expect(res.json.results.map((r: { identifier: string }) => r.identifier)).toEqual(identifiers);
    expect((await storedDevice(org.id, "BULK-0999"))!.properties).toEqual({ slot: 999 });
  });

  it("another organization's devices are not_found and untouched", async () => {
    const [a, b] = await Promise.all([createOrg(), createOrg()]);
    await newDevice(a.apiKey, { identifier: "SN-A", properties: { mine: true } });
    const res = await post(BULK_METADATA, b.apiKey, { devices: { "SN-A": { hijacked: true } } });
    expect(res.json).toEqual({
      success: true,
      updated: 0,
      notFound: 1,
      results: [{ identifier: "SN-A", deviceId: "", status: "not_found" }],
    });
    expect((await storedDevice(a.id, "SN-A"))!.properties).toEqual({ mine: true });
  });

  // Telemetron's 400 messages, verbatim.
  it.each([
    ["devices missing", {}, "devices is required and must be an object mapping identifiers to metadata"],
    ["devices an array", { devices: [{ a: 1 }] }, "devices is required and must be an object mapping identifiers to metadata"],
    ["devices a string", { devices: "SN-1" }, "devices is required and must be an object mapping identifiers to metadata"],
    ["devices empty", { devices: {} }, "devices must contain at least one entry"],
    [
      "1,001 devices",
      { devices: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`D${i}`, {}])) },
      "Too many devices. Maximum 1000 per request",
    ],
    ["a null value", { devices: { "SN-1": {}, "SN-2": null } }, 'Invalid metadata for device "SN-2": must be a JSON object'],
    ["an array value", { devices: { "SN-3": [1] } }, 'Invalid metadata for device "SN-3": must be a JSON object'],
    ["a primitive value", { devices: { "SN-4": "active" } }, 'Invalid metadata for device "SN-4": must be a JSON object'],
  ])("400 for %s", async (_, body, error) => {
    const org = await createOrg();
    await newDevice(org.apiKey, { identifier: "SN-1", properties: { keep: true } });
    const res = await post(BULK_METADATA, org.apiKey, body);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ success: false, error });
    expect((await storedDevice(org.id, "SN-1"))!.properties).toEqual({ keep: true });
  });

  it('400 "Invalid JSON payload" for a body that is not JSON', async () => {
    const org = await createOrg();
    const res = await call("POST", BULK_METADATA, {
      key: org.apiKey,
      rawBody: '{"devices": {',
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ success: false, error: "Invalid JSON payload", code: "invalid_json" });
  });

  it("401 for an unknown key", async () => {
    expect((await post(BULK_METADATA, "tlm_xxxxxxxxxxxx", EXAMPLE)).status).toBe(401);
  });
});

describe("bulk-metadata result order", () => {
  it("follows the keys as sent, also when identifiers look like numbers", async () => {
    const org = await createOrg();
    for (const identifier of ["SN-B", "1001", "7", "SN-A"]) await newDevice(org.apiKey, { identifier });
    // A parsed JavaScript object would list "7" and "1001" first.
    const res = await call("POST", BULK_METADATA, {
      key: org.apiKey,
      rawBody: '{ "devices" : { "SN-B": {"n": 1}, "1001": {"n": 2}, "nested": {"devices": {"x": 1}}, "7": {}, "SN-A": {"s": "}\\"{"} } }',
      headers: { "content-type": "application/json" },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.results.map((r: { identifier: string; status: string }) => `${r.identifier}:${r.status}`)).toEqual([
      "SN-B:updated",
      "1001:updated",
      "nested:not_found",
      "7:updated",
      "SN-A:updated",
    ]);
    expect((await storedDevice(org.id, "SN-A"))!.properties).toEqual({ s: '}"{' });
  });
});

describe("bulk-metadata with a repeated key", () => {
  const raw = (key: string, rawBody: string) =>
    call("POST", BULK_METADATA, { key, rawBody, headers: { "content-type": "application/json" } });

  it("80,000 copies of one identifier are a 400 naming it, not 80,000 results past the 1,000-device cap", async () => {
    const org = await createOrg();
    await newDevice(org.apiKey, { identifier: "SN-1", properties: { keep: true } });
    const copies = Array.from({ length: 80_000 }, () => `"SN-1":{}`).join(",");
    const res = await raw(org.apiKey, `{"devices":{${copies}}}`);
    expect(res.status, res.text.slice(0, 200)).toBe(400);
    const message = 'Duplicate device identifier "SN-1": each device may appear only once in devices';
    expect(res.json).toEqual({ success: false, error: message, code: "validation_failed", issues: [{ path: "devices.SN-1", message }] });
    expect((await storedDevice(org.id, "SN-1"))!.properties).toEqual({ keep: true });
  });

  it("two top-level devices members are a 400, so results and the write can never follow different ones", async () => {
    const org = await createOrg();
    await newDevice(org.apiKey, { identifier: "SN-A", properties: { keep: "a" } });
    await newDevice(org.apiKey, { identifier: "SN-B", properties: { keep: "b" } });
    const res = await raw(org.apiKey, '{"devices":{"SN-A":{"v":1}},"devices":{"SN-B":{"v":2}}}');
    expect(res.status, res.text).toBe(400);
    const message = "devices must appear only once in the request body";
    expect(res.json).toEqual({ success: false, error: message, code: "validation_failed", issues: [{ path: "devices", message }] });
    expect((await storedDevice(org.id, "SN-A"))!.properties).toEqual({ keep: "a" });
    expect((await storedDevice(org.id, "SN-B"))!.properties).toEqual({ keep: "b" });
  });
});
