import { and, asc, eq, inArray, ne, or } from "drizzle-orm";
import type { Db } from "./client";
import { emailAddresses } from "./email-schema";
import { organizations } from "./schema";

export type EmailSettingsInput = { addresses: string[]; fromName?: string; autoAcknowledge?: boolean } | null;

/**
 * The organization's addresses replaced (none when `null` turns the channel off), as statements for
 * a batch: on shard 0 the deployment's directory (an address another organization owns fails the
 * batch on `email_addresses`' primary key, so it rolls back and the handler answers 409;
 * `conflictingAddresses` names it), and on the organization's own shard its copy.
 */
export const emailAddressesBatch = (
  db: Db,
  orgId: string,
  email: NonNullable<EmailSettingsInput> | null,
  now: string,
  // The copy on a shard other than 0: shard 0's directory has already given these addresses to this
  // organization, so a stale copy row of another organization (a PATCH whose second write failed)
  // gives way instead of failing the batch.
  copy = false,
) => ({
  deleteAddresses: db
    .delete(emailAddresses)
    .where(or(eq(emailAddresses.organizationId, orgId), copy && email ? inArray(emailAddresses.address, email.addresses) : undefined)),
  // One insert for all (at most MAX_EMAIL_ADDRESSES, 4 parameters each: well under D1's 100).
  ...(email
    ? {
        addresses: db
          .insert(emailAddresses)
          .values(email.addresses.map((address, position) => ({ address, organizationId: orgId, position, createdAt: now }))),
      }
    : {}),
});

/** PATCH /admin/organizations/{id}'s `email` on the organization's own shard: its settings and its addresses. */
export const replaceEmailSettingsBatch = (
  db: Db,
  orgId: string,
  email: NonNullable<EmailSettingsInput> | null,
  now: string,
  copy = false,
) => ({
  settings: db
    .update(organizations)
    .set({ emailFromName: email?.fromName ?? null, emailAutoAcknowledge: email?.autoAcknowledge ?? true, updatedAt: now })
    .where(eq(organizations.id, orgId)),
  ...emailAddressesBatch(db, orgId, email, now, copy),
});

/** Of `addresses`, those another organization owns. */
export const conflictingAddresses = async (db: Db, orgId: string, addresses: string[]) =>
  (
    await db
      .select({ address: emailAddresses.address })
      .from(emailAddresses)
      .where(and(inArray(emailAddresses.address, addresses), ne(emailAddresses.organizationId, orgId)))
  ).map((r) => r.address);

/** The organization's addresses in order, for getOrganization's batch. */
export const addressesOf = (db: Db, orgId: string) =>
  db
    .select({ address: emailAddresses.address })
    .from(emailAddresses)
    .where(eq(emailAddresses.organizationId, orgId))
    .orderBy(asc(emailAddresses.position));

/** The `email` an organization shows: null while it has no address; `fromName` null means the organization's name. */
export const emailSettingsView = (org: { emailFromName: string | null; emailAutoAcknowledge: boolean }, addresses: string[]) =>
  addresses.length === 0 ? null : { addresses, fromName: org.emailFromName, autoAcknowledge: org.emailAutoAcknowledge };
