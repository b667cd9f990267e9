import { describe, expect, it } from "vitest";
import { DIRECTORY_SHARD } from "../../src/db/shards";
import { deliverEmail, fixture } from "../support/email";
import { admin } from "../support/http";
import { createOrg } from "../support/orgs";
import { countingD1 } from "../support/counting";
import { captureSends } from "../support/queue";
import { SHARDS, shardDb, withShardDb } from "../support/shards";
import { rowsOn } from "../support/tickets";

let n = 0;
const domain = () => `shard-mail-${++n}-${crypto.randomUUID().slice(0, 8)}.example`;
const setAddresses = (orgId: string, addresses: string[] | null) =>
  admin("PATCH", `/admin/organizations/${orgId}`, { email: addresses && { addresses } });

describe.runIf(SHARDS >= 3)("the email channel across shards", () => {
  it("keeps every address in shard 0's directory and a copy on the organization's own shard", async () => {
    const org = await createOrg({ shard: 2 });
    const address = `support@${domain()}`;
    expect((await setAddresses(org.id, [address])).status).toBe(200);
    const query = "select address, organization_id as organizationId from email_addresses where address = ?";
    expect(await rowsOn(DIRECTORY_SHARD, query, address)).toEqual([{ address, organizationId: org.id }]);
    expect(await rowsOn(2, query, address)).toEqual([{ address, organizationId: org.id }]);
    expect(await rowsOn(1, query, address)).toEqual([]);
  });

  it.each([
    ["another shard", 1, 2],
    ["the same shard", 2, 2],
    ["shard 0 and another", 0, 1],
  ])("answers 409 for an address an organization on %s has", async (_, first, second) => {
    const [a, b] = [await createOrg({ shard: first }), await createOrg({ shard: second })];
    const address = `support@${domain()}`;
    expect((await setAddresses(a.id, [address])).status).toBe(200);
    const taken = await setAddresses(b.id, [address]);
    expect(taken.status).toBe(409);
    expect(taken.json.code).toBe("email_address_taken");
    expect((await admin("GET", `/admin/organizations/${b.id}`)).json.email).toBeNull();
  });

  it("delivers mail to the organization's own shard, and follows an address that moved to another shard's organization", async () => {
    const [first, second] = [await createOrg({ shard: 1 }), await createOrg({ shard: 2 })];
    const d = domain();
    const address = `support@${d}`;
    await setAddresses(first.id, [address]);
    captureSends();
    await deliverEmail(fixture("gmail-new", d));
    expect(await rowsOn(1, "select count(*) as n from tickets where organization_id = ?", first.id)).toEqual([{ n: 1 }]);
    // The address moves: the worker's cached directory entry still says shard 1, which no longer knows it.
    expect((await setAddresses(first.id, null)).status).toBe(200);
    expect((await setAddresses(second.id, [address])).status).toBe(200);
    const counting = [DIRECTORY_SHARD, 1, 2].map((shard) => ({ shard, ...countingD1(shardDb(shard)) }));
    const overrides = Object.assign({}, ...counting.map((c) => withShardDb(c.shard, c.binding)));
    const { rejected } = await deliverEmail(fixture("gmail-new", d).replace("CAJx3f0nK2+Q8Hh7X_new-ticket", "moved-1"), { env: overrides });
    expect(rejected).toBeUndefined();
    expect(await rowsOn(2, "select count(*) as n from tickets where organization_id = ?", second.id)).toEqual([{ n: 1 }]);
    // The cached shard was asked first (one read that found nothing), then the directory once more,
    // then the new owner's shard: its read and its one write batch.
    expect(counting.map((c) => [c.shard, c.counts.roundTrips])).toEqual([
      [DIRECTORY_SHARD, 1],
      [1, 1],
      [2, 2],
    ]);
  });

  it("lets the directory decide when a copy is stale: the new owner's PATCH succeeds and its mail reaches it, not the old owner", async () => {
    const [old, owner] = [await createOrg({ shard: 2 }), await createOrg({ shard: 2 })];
    const d = domain();
    const address = `support@${d}`;
    // What a PATCH whose second write failed leaves: the old owner's copy row, no directory row.
    await rowsOn(
      2,
      "insert into email_addresses (address, organization_id, position, created_at) values (?, ?, 0, ?)",
      address,
      old.id,
      new Date().toISOString(),
    );
    expect((await setAddresses(owner.id, [address])).status).toBe(200);
    captureSends();
    await deliverEmail(fixture("gmail-new", d));
    expect(await rowsOn(2, "select organization_id as org from tickets where organization_id in (?, ?)", old.id, owner.id)).toEqual([
      { org: owner.id },
    ]);
  });
});
