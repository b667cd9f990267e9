import { and, eq, exists, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { activeKey, inKeyOrg, keyOrganization } from "./auth";
import { namedBatch } from "./batch";
import { assignedIdentifiers, emailPrefix } from "./customers";
import { inTableOrder } from "./insert-select";
import { variantsOf } from "./plans";
import { apiKeys, customers, deviceAssignments, devices } from "./schema";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { newId } from "../lib/ids";

/*
 * The four Telemetron device-assignment calls, each one D1 batch (one round trip, one
 * transaction), authentication included. Lists travel as one JSON value read with json_each, so
 * no statement nears D1's 100 bound parameters however many emails or identifiers a call names
 * (https://developers.cloudflare.com/d1/platform/limits/). Every row is created through a unique
 * index with ON CONFLICT DO NOTHING, so concurrent calls never make two devices with one
 * identifier, two customers with one email or two links for one pair; every statement reads the
 * key's organization itself, so nothing crosses tenants. Whether this call created a row is read
 * back from its id: only a row this call inserted carries the id generated here.
 */

const inList = (column: SQLiteColumn, values: readonly string[]) =>
  sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;

/** Field `key` of each json_each row `j` (the JSON value bound as `rows`). */
const field = <T>(key: string, alias: string) => sql<T>`json_extract(j.value, ${`$.${key}`})`.as(alias);

type NewCustomer = { email: string; id: string; name: string };
type NewDevice = { identifier: string; id: string };

/** Customers to create if missing, keyed by lower-cased email; named by the email prefix, as Telemetron does. */
const newCustomers = (emails: readonly string[]): NewCustomer[] =>
  emails.map((email) => ({ email, id: newId(), name: emailPrefix(email) }));

const newDevices = (identifiers: readonly string[]): NewDevice[] => identifiers.map((identifier) => ({ identifier, id: newId() }));

/** Finds or creates customers by email in the key's organization; `when` can hold the insert back. */
const insertCustomers = (db: Db, keyHash: string, rows: NewCustomer[], now: string, when?: SQL) =>
  db
    .insert(customers)
    .select(
      db
        .select(
          inTableOrder(customers, {
            id: field<string>("id", "id"),
            organizationId: apiKeys.organizationId,
            email: field<string>("email", "email"),
            emailLower: field<string>("email", "email_lower"),
            name: field<string>("name", "name"),
            phone: sql<null>`null`.as("phone"),
            address: sql<null>`null`.as("address"),
            metadata: sql<Record<string, unknown>>`'{}'`.as("metadata"),
            categories: sql<string[]>`'[]'`.as("categories"),
            createdAt: sql<string>`${now}`.as("created_at"),
            updatedAt: sql<string>`${now}`.as("updated_at"),
          }),
        )
        .from(apiKeys)
        .crossJoin(sql`json_each(${JSON.stringify(rows)}) as j`)
        .where(and(activeKey(keyHash), when)),
    )
    .onConflictDoNothing();

/** Finds or creates devices by identifier in the key's organization, all with one type. */
const insertDevices = (db: Db, keyHash: string, rows: NewDevice[], type: string, now: string) =>
  db
    .insert(devices)
    .select(
      db
        .select(
          inTableOrder(devices, {
            id: field<string>("id", "id"),
            organizationId: apiKeys.organizationId,
            identifier: field<string>("identifier", "identifier"),
            type: sql<string>`${type}`.as("type"),
            properties: sql<Record<string, unknown>>`'{}'`.as("properties"),
            categories: sql<string[]>`'[]'`.as("categories"),
            createdAt: sql<string>`${now}`.as("created_at"),
            updatedAt: sql<string>`${now}`.as("updated_at"),
          }),
        )
        .from(apiKeys)
        .crossJoin(sql`json_each(${JSON.stringify(rows)}) as j`)
        .where(activeKey(keyHash)),
    )
    .onConflictDoNothing();

/** Links every listed device to every listed customer of the key's organization; returns the links this call made. */
const linkPairs = (db: Db, keyHash: string, identifiers: readonly string[], emails: readonly string[], now: string) =>
  db
    .insert(deviceAssignments)
    .select(
      db
        .select(
          inTableOrder(deviceAssignments, {
            deviceId: devices.id,
            customerId: sql<string>`${customers.id}`.as("customer_id"),
            organizationId: devices.organizationId,
            createdAt: sql<string>`${now}`.as("created_at"),
          }),
        )
        .from(devices)
        .innerJoin(customers, eq(customers.organizationId, devices.organizationId))
        .where(
          and(inKeyOrg(db, devices.organizationId, keyHash), inList(devices.identifier, identifiers), inList(customers.emailLower, emails)),
        ),
    )
    .onConflictDoNothing()
    .returning({ deviceId: deviceAssignments.deviceId, customerId: deviceAssignments.customerId });

const devicesNamed = (db: Db, keyHash: string, identifiers: readonly string[]) =>
  db
    .select({ id: devices.id, identifier: devices.identifier })
    .from(devices)
    .where(and(inKeyOrg(db, devices.organizationId, keyHash), inList(devices.identifier, identifiers)));

/** Customers of the key's organization by lower-cased email, with the identifiers of their devices. */
const customersNamed = (db: Db, keyHash: string, emails: readonly string[]) =>
  db
    .select({ id: customers.id, emailLower: customers.emailLower, devices: assignedIdentifiers().as("devices") })
    .from(customers)
    .where(and(inKeyOrg(db, customers.organizationId, keyHash), inList(customers.emailLower, emails)));

/** The key's organization has a device with this identifier. */
const deviceExists = (db: Db, identifier: string) =>
  exists(
    db
      .select({ one: sql`1` })
      .from(devices)
      .where(and(eq(devices.organizationId, apiKeys.organizationId), eq(devices.identifier, identifier))),
  );

type AssignInput = { create?: { type: string } };

/** assignDeviceToOwners' batch, each statement under its name, in batch order, with the rows it may create. */
export const assignDeviceToOwnersBatch = (
  db: Db,
  r: {
    keyHash: string;
    input: AssignInput & { identifier: string; emails: readonly string[] };
    device: NewDevice;
    owners: NewCustomer[];
    now: string;
  },
) => {
  const { keyHash, input, device, owners, now } = r;
  return {
    auth: keyOrganization(db, keyHash),
    // Without auto-create the list is empty and the statement inserts nothing: one batch shape for both.
    insertDevice: insertDevices(db, keyHash, input.create ? [device] : [], input.create?.type ?? "", now),
    insertCustomers: insertCustomers(db, keyHash, owners, now, deviceExists(db, input.identifier)),
    link: linkPairs(db, keyHash, [input.identifier], input.emails, now),
    devices: devicesNamed(db, keyHash, [input.identifier]),
    customers: customersNamed(db, keyHash, input.emails),
  };
};

/** Whether an assign call creates missing devices (`autoCreate`), which changes what its batch binds. */
export const ASSIGN_VARIANTS = variantsOf({ create: [false, true] });

export type AssignedCustomer = { email: string; customerId: string; wasCreated: boolean };

export type AssignToOwnersOutcome =
  | { kind: "unauthorized" }
  | { kind: "device_not_found" }
  | { kind: "assigned"; deviceId: string; deviceWasCreated: boolean; customers: AssignedCustomer[] };

/**
 * assignDeviceToOwners: one device to several customers (a family shares it). Missing customers
 * are created; the device only with `autoCreate` (and a type). An unknown device without
 * `autoCreate` writes nothing at all, not even the customers.
 */
export const assignDeviceToOwners = async (
  db: Db,
  keyHash: string,
  input: { identifier: string; emails: readonly string[]; create?: { type: string } },
  now: string,
): Promise<AssignToOwnersOutcome> => {
  const device = newDevices([input.identifier])[0]!;
  const owners = newCustomers(input.emails);
  const {
    auth,
    devices: found,
    customers: people,
  } = await namedBatch(db, assignDeviceToOwnersBatch(db, { keyHash, input, device, owners, now }));
  if (auth.length === 0) return { kind: "unauthorized" };
  const stored = found[0];
  if (!stored) return { kind: "device_not_found" };
  const byEmail = new Map(people.map((p) => [p.emailLower, p.id]));
  return {
    kind: "assigned",
    deviceId: stored.id,
    deviceWasCreated: stored.id === device.id,
    customers: owners.map((o) => ({ email: o.email, customerId: byEmail.get(o.email)!, wasCreated: byEmail.get(o.email) === o.id })),
  };
};

export type AssignedDevice = { identifier: string; deviceId: string; wasCreated: boolean };

export type AssignToOwnerOutcome =
  | { kind: "unauthorized" }
  | {
      kind: "assigned";
      customerId: string;
      customerWasCreated: boolean;
      assignedDevices: AssignedDevice[];
      alreadyAssigned: AssignedDevice[];
      skipped: string[];
    };

/** assignDevicesToOwner's batch, each statement under its name, in batch order, with the rows it may create. */
export const assignDevicesToOwnerBatch = (
  db: Db,
  r: {
    keyHash: string;
    input: AssignInput & { email: string; identifiers: readonly string[] };
    owner: NewCustomer;
    wanted: NewDevice[];
    now: string;
  },
) => {
  const { keyHash, input, owner, wanted, now } = r;
  return {
    auth: keyOrganization(db, keyHash),
    insertCustomer: insertCustomers(db, keyHash, [owner], now),
    insertDevices: insertDevices(db, keyHash, input.create ? wanted : [], input.create?.type ?? "", now),
    link: linkPairs(db, keyHash, input.identifiers, [input.email], now),
    devices: devicesNamed(db, keyHash, input.identifiers),
    customers: customersNamed(db, keyHash, [input.email]),
  };
};

/**
 * assignDevicesToOwner: several devices to one customer, created if missing. Devices are created
 * only with `create`; unknown ones are otherwise `skipped`. A device whose link already existed
 * is `alreadyAssigned`: the link insert returns only the links this call made.
 */
export const assignDevicesToOwner = async (
  db: Db,
  keyHash: string,
  input: { email: string; identifiers: readonly string[]; create?: { type: string } },
  now: string,
): Promise<AssignToOwnerOutcome> => {
  const owner = newCustomers([input.email])[0]!;
  const wanted = newDevices(input.identifiers);
  const {
    auth,
    link: linked,
    devices: found,
    customers: people,
  } = await namedBatch(db, assignDevicesToOwnerBatch(db, { keyHash, input, owner, wanted, now }));
  if (auth.length === 0) return { kind: "unauthorized" };
  const customer = people[0]!;
  const generated = new Map(wanted.map((d) => [d.identifier, d.id]));
  const newlyLinked = new Set(linked.map((l) => l.deviceId));
  const byIdentifier = new Map(found.map((d) => [d.identifier, d.id]));
  const assignedDevices: AssignedDevice[] = [];
  const alreadyAssigned: AssignedDevice[] = [];
  const skipped: string[] = [];
  for (const identifier of input.identifiers) {
    const deviceId = byIdentifier.get(identifier);
    if (!deviceId) skipped.push(identifier);
    else
      (newlyLinked.has(deviceId) ? assignedDevices : alreadyAssigned).push({
        identifier,
        deviceId,
        wasCreated: generated.get(identifier) === deviceId,
      });
  }
  return {
    kind: "assigned",
    customerId: customer.id,
    customerWasCreated: customer.id === owner.id,
    assignedDevices,
    alreadyAssigned,
    skipped,
  };
};

/** Deletes the links between one customer (by email) and the listed devices of the key's organization. */
const unlink = (db: Db, keyHash: string, email: string, identifiers: readonly string[]) =>
  db
    .delete(deviceAssignments)
    .where(
      and(
        inKeyOrg(db, deviceAssignments.organizationId, keyHash),
        inArray(
          deviceAssignments.customerId,
          db
            .select({ id: customers.id })
            .from(customers)
            .where(and(eq(customers.emailLower, email), inKeyOrg(db, customers.organizationId, keyHash))),
        ),
        inArray(
          deviceAssignments.deviceId,
          db
            .select({ id: devices.id })
            .from(devices)
            .where(and(inKeyOrg(db, devices.organizationId, keyHash), inList(devices.identifier, identifiers))),
        ),
      ),
    )
    .returning({ deviceId: deviceAssignments.deviceId });

export type UnassignOutcome =
  | { kind: "unauthorized" }
  | { kind: "customer_not_found" }
  | { kind: "unassigned"; customerId: string; unassigned: string[]; skipped: string[]; remaining: string[] };

/** The unassign calls' batch, each statement under its name, in batch order. */
export const unassignDevicesBatch = (db: Db, keyHash: string, input: { email: string; identifiers: readonly string[] }) => ({
  auth: keyOrganization(db, keyHash),
  removed: unlink(db, keyHash, input.email, input.identifiers),
  devices: devicesNamed(db, keyHash, input.identifiers),
  customers: customersNamed(db, keyHash, [input.email]),
});

/**
 * Both unassign calls: removes the customer's links to the listed devices; device and customer
 * records stay. Identifiers that were not linked to the customer (or name no device) are `skipped`.
 */
export const unassignDevices = async (
  db: Db,
  keyHash: string,
  input: { email: string; identifiers: readonly string[] },
): Promise<UnassignOutcome> => {
  const { auth, removed, devices: found, customers: people } = await namedBatch(db, unassignDevicesBatch(db, keyHash, input));
  if (auth.length === 0) return { kind: "unauthorized" };
  const customer = people[0];
  if (!customer) return { kind: "customer_not_found" };
  const removedIds = new Set(removed.map((r) => r.deviceId));
  const byIdentifier = new Map(found.map((d) => [d.identifier, d.id]));
  const unassigned = input.identifiers.filter((i) => removedIds.has(byIdentifier.get(i) ?? ""));
  return {
    kind: "unassigned",
    customerId: customer.id,
    unassigned,
    skipped: input.identifiers.filter((i) => !unassigned.includes(i)),
    remaining: customer.devices,
  };
};
