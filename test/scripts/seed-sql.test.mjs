// Node-side (node --test, chained in `npm test`): the demo seed of `npm run dev`, applied after the
// real migrations to an in-memory SQLite (Node's node:sqlite; D1 is SQLite), twice, as every start does.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { DatabaseSync } from "node:sqlite";
import { DEMO_ORG_ID, DEMO_SUPPORT_ADDRESS, seedSql } from "../../scripts/seed-sql.mjs";

const migrated = async () => {
  const db = new DatabaseSync(":memory:");
  const dir = new URL("../../drizzle/", import.meta.url);
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort()) {
    for (const statement of (await readFile(new URL(file, dir), "utf8")).split("--> statement-breakpoint")) db.exec(statement);
  }
  return db;
};

describe("the demo seed (scripts/seed-sql.mjs)", () => {
  it("gives the demo organization its support address, idempotently", async () => {
    const db = await migrated();
    db.exec(seedSql("tik_demo_local_only_key"));
    db.exec(seedSql("tik_demo_local_only_key"));
    assert.deepEqual(
      db
        .prepare("select address, organization_id as organizationId, position from email_addresses")
        .all()
        .map((r) => ({ ...r })),
      [{ address: DEMO_SUPPORT_ADDRESS, organizationId: DEMO_ORG_ID, position: 0 }],
    );
    assert.equal(DEMO_SUPPORT_ADDRESS, "support@demo.example");
  });
});
