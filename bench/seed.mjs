// The same starting data in every worker's database: one organization with an API key and a
// "Billing" category, and KNOWN_CUSTOMERS customers for the returning-customer and id paths.
import { createHash, randomUUID } from "node:crypto";
import { KNOWN_CUSTOMERS, knownEmail } from "./bodies.mjs";
import { applyMigrations } from "./runtime.mjs";

export const ORG_ID = "bench-org"; // floor.mjs writes to this organization
export const API_KEY = "tik_bench_key_only_valid_in_the_local_benchmark";

export const seedDatabase = async (db) => {
  await applyMigrations(db);
  const now = new Date().toISOString();
  const customerIds = Array.from({ length: KNOWN_CUSTOMERS }, () => randomUUID());
  const keyHash = createHash("sha256").update(API_KEY).digest("hex");
  await db.batch([
    db.prepare("insert into organizations (id, name, created_at, updated_at) values (?, 'Bench Org', ?, ?)").bind(ORG_ID, now, now),
    db
      .prepare("insert into api_keys (id, organization_id, key_hash, prefix, created_at) values (?, ?, ?, ?, ?)")
      .bind(randomUUID(), ORG_ID, keyHash, API_KEY.slice(0, 12), now),
    db
      .prepare(
        `insert into categories (id, organization_id, name, name_lower, description, position, created_at, updated_at)
         values (?, ?, 'Billing', 'billing', 'Invoices, charges and refunds', 0, ?, ?)`,
      )
      .bind(randomUUID(), ORG_ID, now, now),
    ...customerIds.map((id, i) =>
      db
        .prepare("insert into customers (id, organization_id, email, email_lower, created_at, updated_at) values (?, ?, ?, ?, ?, ?)")
        .bind(id, ORG_ID, knownEmail(i), knownEmail(i), now, now),
    ),
  ]);
  return customerIds;
};
