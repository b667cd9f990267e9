import { createHash } from "node:crypto";

// Fixed ids so the README's curl examples (the by-id case) work on every machine.
export const DEMO_ORG_ID = "01936f00-0000-7000-8000-000000000001";
export const DEMO_CUSTOMER_ID = "01936f00-0000-7000-8000-0000000000c1";
// The demo organization's support address: `wrangler dev` delivers mail to it at /cdn-cgi/local/email.
export const DEMO_SUPPORT_ADDRESS = "support@demo.example";

const quote = (s) => `'${String(s).replace(/'/g, "''")}'`;

const CATEGORIES = [
  ["Billing", "Invoices, payments, refunds, charges, subscription and pricing questions", "any", 1, 0],
  ["Technical", "Bugs, errors, crashes, outages, login problems, integrations and API issues", "ticket", 1, 0],
  ["Account", "Account settings, passwords, profile, access and permissions", "any", 1, 0],
  ["Spam", "Unsolicited advertising, promotions, marketing offers", "ticket", 1, 1],
];

/** SQL that creates the demo organization, its key, categories and customer, or leaves them be. */
export const seedSql = (apiKey) => {
  const now = new Date().toISOString();
  const keyHash = createHash("sha256").update(apiKey).digest("hex");
  const rows = [
    `INSERT OR IGNORE INTO organizations (id, name, slack_webhook_url, created_at, updated_at)
     VALUES (${quote(DEMO_ORG_ID)}, 'Demo Org', NULL, ${quote(now)}, ${quote(now)})`,
    `INSERT OR IGNORE INTO api_keys (id, organization_id, key_hash, prefix, created_at)
     VALUES (${quote(`01936f00-0000-7000-8000-${keyHash.slice(0, 12)}`)}, ${quote(DEMO_ORG_ID)}, ${quote(keyHash)}, ${quote(apiKey.slice(0, 12))}, ${quote(now)})`,
    `INSERT OR IGNORE INTO customers (id, organization_id, email, email_lower, name, phone, categories, created_at, updated_at)
     VALUES (${quote(DEMO_CUSTOMER_ID)}, ${quote(DEMO_ORG_ID)}, 'jane@example.com', 'jane@example.com', 'Jane Doe', NULL, '[]', ${quote(now)}, ${quote(now)})`,
    `INSERT OR IGNORE INTO email_addresses (address, organization_id, position, created_at)
     VALUES (${quote(DEMO_SUPPORT_ADDRESS)}, ${quote(DEMO_ORG_ID)}, 0, ${quote(now)})`,
    ...CATEGORIES.map(
      ([name, description, appliesTo, aiEnabled, autoResolve], position) =>
        `INSERT OR IGNORE INTO categories (id, organization_id, name, name_lower, description, applies_to, ai_enabled, auto_resolve, active, position, created_at, updated_at)
         VALUES (${quote(`01936f00-0000-7000-8000-00000000ca0${position}`)}, ${quote(DEMO_ORG_ID)}, ${quote(name)}, ${quote(String(name).toLowerCase())}, ${quote(description)}, ${quote(appliesTo)}, ${aiEnabled}, ${autoResolve}, 1, ${position}, ${quote(now)}, ${quote(now)})`,
    ),
  ];
  return `${rows.map((r) => r.replace(/\s+/g, " ").trim()).join("; ")};`;
};
