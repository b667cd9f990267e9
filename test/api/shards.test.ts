import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { countingD1, fetchWithEnv } from "../support/counting";
import { admin, call, jsonPost } from "../support/http";
import { createOrg, type TestOrg } from "../support/orgs";
import { shardDb, withShardDb } from "../support/shards";
import { createTicket, newTicket } from "../support/tickets";

const LIST = "/api/ext-v1/ticket/listTickets";

describe("placement", () => {
  // This file's own D1 storage: it starts with no organization on any shard.
  it("puts a new organization on the shard with the fewest (the lowest on a tie), or on the one asked for", async () => {
    const shardsOf = async (n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await admin("POST", "/admin/organizations", { name: `placed ${i}` })).json.shard);
      return out;
    };
    expect(await shardsOf(3)).toEqual([0, 1, 2]);
    expect((await admin("POST", "/admin/organizations", { name: "asked", shard: 0 })).json.shard).toBe(0);
    expect((await admin("POST", "/admin/organizations", { name: "asked", shard: 0 })).json.shard).toBe(0);
    // Now 3, 1, 1: the next two go to shards 1 and 2, then 1 again (2, 2 against 3).
    expect(await shardsOf(3)).toEqual([1, 2, 1]);
  });

  it.each([3, -1, 1.5, "1"])("400 for a shard this deployment does not have: %j", async (shard) => {
    const res = await admin("POST", "/admin/organizations", { name: "x", shard });
    expect(res.status).toBe(400);
    expect(res.json.issues!.map((i: { path: string }) => i.path)).toEqual(["shard"]);
  });

  it("every row of an organization is on its shard, none on the others", async () => {
    const org = await createOrg({ shard: 1 });
    await newTicket(org.apiKey, { title: "where am I", customerEmail: "w@example.com" });
    const count = async (shard: number, table: string) =>
      (await shardDb(shard).prepare(`select count(*) as n from ${table} where organization_id = ?`).bind(org.id).first<{ n: number }>())!.n;
    for (const table of ["api_keys", "tickets", "customers", "jobs", "ticket_events"]) {
      expect([await count(0, table), await count(1, table), await count(2, table)], table).toEqual([0, expect.any(Number), 0]);
      expect(await count(1, table), table).toBeGreaterThan(0);
    }
  });
});

describe("the shard comes from the key and the id, before any I/O", () => {
  it("a key's prefix names its shard; a key moved to another shard's prefix is unknown there (401, one round trip)", async () => {
    const org = await createOrg({ shard: 1 });
    expect(org.apiKey).toMatch(/^tik1_/);
    expect(org.id).toMatch(/^org1_/);
    const forged = `tik2_${org.apiKey.slice("tik1_".length)}`;
    const d1 = countingD1(shardDb(2));
    const res = await fetchWithEnv(
      jsonPost("/api/ext-v1/ticket/createTicket", forged, { title: "t", customerEmail: "a@example.com" }),
      withShardDb(2, d1.binding),
    );
    expect(res.status).toBe(401);
    expect(d1.counts.roundTrips).toBe(1);
  });

  it("a key naming a shard the deployment does not have is refused without asking any database", async () => {
    const counted = [0, 1, 2].map((shard) => countingD1(shardDb(shard)));
    const res = await fetchWithEnv(
      new Request(`https://ticket-intake.test${LIST}`, { headers: { "x-api-key": "tik9_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } }),
      Object.assign({}, ...counted.map((c, shard) => withShardDb(shard, c.binding))),
    );
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe("invalid_api_key");
    expect(counted.map((c) => c.counts.roundTrips)).toEqual([0, 0, 0]);
  });

  it("an organization id naming a shard the deployment does not have is not found", async () => {
    const res = await admin("GET", "/admin/organizations/org9_01936f00-0000-7000-8000-000000000001");
    expect(res.status).toBe(404);
    expect(res.json.code).toBe("organization_not_found");
  });

  it("revocation is immediate on every shard", async () => {
    for (const shard of [0, 1, 2]) {
      const org = await createOrg({ shard });
      const second = await admin("POST", `/admin/organizations/${org.id}/api-keys`);
      expect(second.json.apiKey).toMatch(new RegExp(`^tik${shard}_`));
      expect((await call("GET", LIST, { key: second.json.apiKey })).status).toBe(200);
      expect((await admin("DELETE", `/admin/organizations/${org.id}/api-keys/${second.json.id}`)).status).toBe(204);
      expect((await call("GET", LIST, { key: second.json.apiKey })).status).toBe(401);
      expect((await call("GET", LIST, { key: org.apiKey })).status).toBe(200);
    }
  });

  it("an organization and key from before sharding (a plain UUID, a tik_ key) are shard 0's and keep working", async () => {
    const id = crypto.randomUUID();
    const key = `tik_${"L".repeat(43)}`;
    const now = new Date().toISOString();
    await env.DB.batch([
      env.DB.prepare("insert into organizations (id, name, created_at, updated_at) values (?, 'Legacy', ?, ?)").bind(id, now, now),
      env.DB.prepare("insert into api_keys (id, organization_id, key_hash, prefix, created_at) values (?, ?, ?, ?, ?)").bind(
        crypto.randomUUID(),
        id,
        await sha256Hex(key),
        key.slice(0, 12),
        now,
      ),
    ]);
    expect((await createTicket(key, { title: "still here", customerEmail: "old@example.com" })).status).toBe(200);
    const read = await admin("GET", `/admin/organizations/${id}`);
    expect(read.json).toMatchObject({ id, name: "Legacy", shard: 0 });
    // Its new keys carry shard 0 explicitly.
    expect((await admin("POST", `/admin/organizations/${id}/api-keys`)).json.apiKey).toMatch(/^tik0_/);
  });
});

describe("the operator's view of the shards", () => {
  it("lists the organizations of every shard together, newest first, with each one's shard, a page at a time", async () => {
    const made: TestOrg[] = [];
    for (const shard of [2, 0, 1, 2, 1]) made.push(await createOrg({ shard, name: `listed on ${shard}` }));
    const seen: { id: string; shard: number }[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; json: any } = await admin("GET", `/admin/organizations?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      seen.push(...page.json.organizations.map((o: { id: string; shard: number }) => ({ id: o.id, shard: o.shard })));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(new Set(seen.map((o) => o.id)).size).toBe(seen.length);
    const mine = seen.filter((o) => made.some((m) => m.id === o.id));
    expect(mine).toEqual(made.reverse().map((m) => ({ id: m.id, shard: m.shard })));
  });

  it("GET /admin/shards counts each shard's organizations and tickets and estimates its size from its pages", async () => {
    type Shard = { organizations: number; tickets: number; approximateBytes: number };
    const before = (await admin("GET", "/admin/shards")).json.shards as Shard[];
    const org = await createOrg({ shard: 2 });
    await newTicket(org.apiKey, { title: "one" });
    await newTicket(org.apiKey, { title: "two" });
    const res = await admin("GET", "/admin/shards");
    expect(res.status).toBe(200);
    expect(res.json.shards.map((s: { shard: number; binding: string }) => [s.shard, s.binding])).toEqual([
      [0, "DB"],
      [1, "DB_1"],
      [2, "DB_2"],
    ]);
    const [s0, s1, s2] = res.json.shards as Shard[];
    expect(s2).toMatchObject({ schemaCurrent: true, organizations: before[2]!.organizations + 1, tickets: before[2]!.tickets + 2 });
    expect([s0!.organizations, s1!.organizations]).toEqual([before[0]!.organizations, before[1]!.organizations]);
    // The file's size as D1 reports it, a whole number of pages.
    const size = (await shardDb(2).prepare("select 1").run()).meta.size_after;
    expect(s2!.approximateBytes).toBe(size);
    expect(s2).toMatchObject({ pageSize: 4096, pages: size / 4096 });
    expect(s2!.approximateBytes).toBeGreaterThan(0);
  });

  it("GET /admin/shards needs the admin token", async () => {
    expect((await call("GET", "/admin/shards")).status).toBe(401);
  });
});
