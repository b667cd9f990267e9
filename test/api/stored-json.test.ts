import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH } from "../../src/lib/json-depth";
import { BULK_METADATA, DEVICE, newDevice, post, storedDevice } from "../support/devices";
import { createOrg } from "../support/orgs";
import { rows } from "../support/tickets";

const SAVE_CUSTOMER = "/api/ext-v1/customer/createOrUpdateCustomer";

/** A JSON object nesting `levels` objects deep: `{"a":{"a":…{}}}`. */
const nested = (levels: number) => {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
};

/** Past SQLite's JSON depth limit (1,000), where D1 used to answer 500 "malformed JSON". */
const DEEP = nested(1500);

const customerMetadata = async (orgId: string) =>
  (await rows<{ metadata: string }>("select metadata from customers where organization_id = ?", orgId)).map((r) => JSON.parse(r.metadata));

describe("caller JSON nested past the limit is a 400 naming the field, on every endpoint that stores it", () => {
  it("createOrUpdateCustomer's metadata", async () => {
    const org = await createOrg();
    const res = await post(SAVE_CUSTOMER, org.apiKey, { email: "deep@example.com", metadata: DEEP });
    expect(res.status, res.text).toBe(400);
    expect(res.json).toEqual({
      success: false,
      error: `metadata must not nest objects and arrays more than ${MAX_JSON_DEPTH} levels deep`,
      code: "validation_failed",
      issues: [{ path: "metadata", message: `metadata must not nest objects and arrays more than ${MAX_JSON_DEPTH} levels deep` }],
    });
    expect(await customerMetadata(org.id)).toEqual([]);
  });

  it("POST /device's properties", async () => {
    const org = await createOrg();
    const res = await post(DEVICE, org.apiKey, { identifier: "SN-1", type: "sensor", properties: DEEP });
    expect(res.status, res.text).toBe(400);
    expect(res.json).toEqual({
      success: false,
      error: `properties must not nest objects and arrays more than ${MAX_JSON_DEPTH} levels deep`,
      code: "validation_failed",
      issues: [{ path: "properties", message: `properties must not nest objects and arrays more than ${MAX_JSON_DEPTH} levels deep` }],
    });
    expect(await storedDevice(org.id, "SN-1")).toBeUndefined();
  });

  it("bulk-metadata's metadata of a device, which leaves every device as it was", async () => {
    const org = await createOrg();
    await newDevice(org.apiKey, { identifier: "SN-1", properties: { keep: 1 } });
    await newDevice(org.apiKey, { identifier: "SN-2", properties: { keep: 2 } });
    const res = await post(BULK_METADATA, org.apiKey, { devices: { "SN-1": { fine: true }, "SN-2": DEEP } });
    expect(res.status, res.text).toBe(400);
    const message = `Invalid metadata for device "SN-2": metadata must not nest objects and arrays more than ${MAX_JSON_DEPTH} levels deep`;
    expect(res.json).toEqual({ success: false, error: message, code: "validation_failed", issues: [{ path: "devices.SN-2", message }] });
    expect((await storedDevice(org.id, "SN-1"))!.properties).toEqual({ keep: 1 });
    expect((await storedDevice(org.id, "SN-2"))!.properties).toEqual({ keep: 2 });
  });

  it("arrays count as levels too", async () => {
    const org = await createOrg();
    let deepArray: unknown = [];
    for (let i = 1; i < 1500; i++) deepArray = [deepArray];
    const res = await post(SAVE_CUSTOMER, org.apiKey, { email: "arrays@example.com", metadata: { list: deepArray } });
    expect(res.status, res.text).toBe(400);
    expect(res.json.issues).toEqual([{ path: "metadata", message: expect.stringContaining(`${MAX_JSON_DEPTH} levels`) }]);
  });
});

describe("caller JSON at the limit is stored and read back as sent", () => {
  const AT_LIMIT = nested(MAX_JSON_DEPTH);

  it("createOrUpdateCustomer's metadata", async () => {
    const org = await createOrg();
    const res = await post(SAVE_CUSTOMER, org.apiKey, { email: "limit@example.com", metadata: AT_LIMIT });
    expect(res.status, res.text).toBe(200);
    expect(await customerMetadata(org.id)).toEqual([AT_LIMIT]);
  });

  it("POST /device's properties and bulk-metadata's metadata", async () => {
    const org = await createOrg();
    await newDevice(org.apiKey, { identifier: "SN-1", properties: AT_LIMIT });
    expect((await storedDevice(org.id, "SN-1"))!.properties).toEqual(AT_LIMIT);
    const res = await post(BULK_METADATA, org.apiKey, { devices: { "SN-1": { again: AT_LIMIT.a } } });
    expect(res.status, res.text).toBe(200);
    expect((await storedDevice(org.id, "SN-1"))!.properties).toEqual({ again: AT_LIMIT.a });
  });
});
