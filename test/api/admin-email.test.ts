import { describe, expect, it } from "vitest";
import { admin } from "../support/http";
import { createOrg } from "../support/orgs";
import { rowsOn } from "../support/tickets";

let n = 0;
/** An address no other test uses (every test file shares the deployment-wide address table). */
const address = (local = "support") => `${local}@admin-email-${++n}-${Date.now()}.example`;

describe("PATCH /admin/organizations/{id} email", () => {
  it("stores the addresses lower-cased with the settings and shows them on getOrganization", async () => {
    const org = await createOrg();
    const a = address("Support");
    const res = await admin("PATCH", `/admin/organizations/${org.id}`, {
      email: { addresses: [a, address("help")], fromName: "Acme Support", autoAcknowledge: false },
    });
    expect(res.status).toBe(200);
    expect(res.json.email).toEqual({
      addresses: [a.toLowerCase(), expect.stringMatching(/^help@/)],
      fromName: "Acme Support",
      autoAcknowledge: false,
    });
    const got = await admin("GET", `/admin/organizations/${org.id}`);
    expect(got.json.email).toEqual(res.json.email);
    expect(
      await rowsOn(org.shard, "select address, position from email_addresses where organization_id = ? order by position", org.id),
    ).toEqual([
      { address: a.toLowerCase(), position: 0 },
      { address: expect.stringMatching(/^help@/), position: 1 },
    ]);
  });

  it("defaults to acknowledging, under the organization's name (fromName null), and is null before it is configured", async () => {
    const org = await createOrg();
    expect((await admin("GET", `/admin/organizations/${org.id}`)).json.email).toBeNull();
    const res = await admin("PATCH", `/admin/organizations/${org.id}`, { email: { addresses: [address()] } });
    expect(res.json.email).toMatchObject({ fromName: null, autoAcknowledge: true });
  });

  it("answers 409 naming an address another organization has, and changes nothing", async () => {
    const [first, second] = [await createOrg(), await createOrg({ name: "Second" })];
    const shared = address();
    await admin("PATCH", `/admin/organizations/${first.id}`, { email: { addresses: [shared] } });
    const own = address();
    const res = await admin("PATCH", `/admin/organizations/${second.id}`, {
      name: "Renamed",
      email: { addresses: [own, shared.toUpperCase()] },
    });
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({
      success: false,
      code: "email_address_taken",
      error: `Another organization already receives mail at ${shared}`,
    });
    const after = await admin("GET", `/admin/organizations/${second.id}`);
    expect(after.json).toMatchObject({ name: "Second", email: null });
    expect((await admin("GET", `/admin/organizations/${first.id}`)).json.email?.addresses).toEqual([shared]);
  });

  it("replaces the list on each PATCH, and null frees the addresses for another organization", async () => {
    const [first, second] = [await createOrg(), await createOrg()];
    const [a, b] = [address(), address()];
    await admin("PATCH", `/admin/organizations/${first.id}`, { email: { addresses: [a] } });
    expect((await admin("PATCH", `/admin/organizations/${first.id}`, { email: { addresses: [b] } })).json.email?.addresses).toEqual([b]);
    // a is free again once first dropped it; null then frees b.
    expect((await admin("PATCH", `/admin/organizations/${second.id}`, { email: { addresses: [a] } })).status).toBe(200);
    expect((await admin("PATCH", `/admin/organizations/${first.id}`, { email: null })).json.email).toBeNull();
    expect((await admin("PATCH", `/admin/organizations/${second.id}`, { email: { addresses: [a, b] } })).status).toBe(200);
  });

  it.each([
    [{ addresses: [] }, "email.addresses"],
    [{ addresses: ["not-an-address"] }, "email.addresses.0"],
    [{ addresses: ["support+tag@acme.example"] }, "email.addresses.0"],
    [{ addresses: ["a@x.example", "A@x.example"] }, "email.addresses.1"],
    [{ addresses: Array.from({ length: 11 }, (_, i) => `s${i}@x.example`) }, "email.addresses"],
    [{ addresses: ["a@x.example"], fromName: "" }, "email.fromName"],
  ])("answers 400 for %j at %s", async (email, path) => {
    const org = await createOrg();
    const res = await admin("PATCH", `/admin/organizations/${org.id}`, { email });
    expect(res.status).toBe(400);
    expect(res.json.issues?.map((i) => i.path)).toContain(path);
  });

  it("answers 404 for an unknown organization", async () => {
    const res = await admin("PATCH", "/admin/organizations/missing", { email: { addresses: [address()] } });
    expect(res.status).toBe(404);
  });
});
