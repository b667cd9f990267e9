import { and, eq, sql } from "drizzle-orm";
import type { Db } from "./client";
import { activeKey, inKeyOrg, keyOrganization } from "./auth";
import { namedBatch } from "./batch";
import { inTableOrder } from "./insert-select";
import { variantsOf } from "./plans";
import { allValid, canonicalNames, knownCategories, lowerUnique, unknownCategories } from "./entity-categories";
import { apiKeys, devices } from "./schema";
import { newId } from "../lib/ids";

export type DeviceWrite = {
  identifier: string;
  type?: string;
  properties?: Record<string, unknown>;
  categories?: string[];
};

export type DeviceSaved = { deviceId: string; identifier: string; type: string | null; created: boolean };

export type DeviceSaveOutcome =
  | ({ kind: "saved" } & DeviceSaved)
  | { kind: "unauthorized" }
  | { kind: "unknown_categories"; names: string[] }
  /** No `type` was given and no device has this identifier: there is nothing to update and too little to create. */
  | { kind: "type_required" };

const savedColumns = { id: devices.id, identifier: devices.identifier, type: devices.type };

/**
 * With a `type`: an upsert of the device (`id`) on the (organization, identifier) unique index, so
 * concurrent first calls create one device. Absent fields keep their value; `properties` and
 * `categories`, when given, replace the stored ones.
 */
const upsertDevice = (
  db: Db,
  keyHash: string,
  input: DeviceWrite & { type: string },
  id: string,
  wanted: string[] | undefined,
  now: string,
) => {
  const properties = input.properties && JSON.stringify(input.properties);
  return db
    .insert(devices)
    .select(
      db
        .select(
          inTableOrder(devices, {
            id: sql<string>`${id}`.as("id"),
            organizationId: apiKeys.organizationId,
            identifier: sql<string>`${input.identifier.trim()}`.as("identifier"),
            type: sql<string>`${input.type}`.as("type"),
            properties: sql<Record<string, unknown>>`${properties ?? "{}"}`.as("properties"),
            categories: canonicalNames("device", apiKeys.organizationId, wanted ?? []).as("categories"),
            createdAt: sql<string>`${now}`.as("created_at"),
            updatedAt: sql<string>`${now}`.as("updated_at"),
          }),
        )
        .from(apiKeys)
        .where(and(activeKey(keyHash), wanted && allValid("device", apiKeys.organizationId, wanted))),
    )
    .onConflictDoUpdate({
      target: [devices.organizationId, devices.identifier],
      set: {
        type: sql`excluded.type`,
        ...(properties !== undefined ? { properties: sql`excluded.properties` } : {}),
        ...(wanted !== undefined ? { categories: sql`excluded.categories` } : {}),
        updatedAt: sql`excluded.updated_at`,
      },
    })
    .returning(savedColumns);
};

/** Without a `type`: an update of the existing device only. */
const updateDevice = (db: Db, keyHash: string, input: DeviceWrite, wanted: string[] | undefined, now: string) =>
  db
    .update(devices)
    .set({
      properties: input.properties,
      categories: wanted && canonicalNames("device", devices.organizationId, wanted),
      updatedAt: now,
    })
    .where(
      and(
        eq(devices.identifier, input.identifier.trim()),
        inKeyOrg(db, devices.organizationId, keyHash),
        wanted && allValid("device", devices.organizationId, wanted),
      ),
    )
    .returning(savedColumns);

/** saveDevice's batch, each statement under its name, in batch order. */
export const saveDeviceBatch = (db: Db, r: { keyHash: string; input: DeviceWrite; id: string; now: string }) => {
  const { keyHash, input, id, now } = r;
  const wanted = input.categories && lowerUnique(input.categories);
  return {
    auth: keyOrganization(db, keyHash),
    knownCategories: knownCategories(db, keyHash, "device", wanted ?? []),
    saved:
      input.type !== undefined
        ? upsertDevice(db, keyHash, { ...input, type: input.type }, id, wanted, now)
        : updateDevice(db, keyHash, input, wanted, now),
  };
};

/** What of saveDevice's request changes its SQL: whether it gives a type, properties, categories. */
export const SAVE_DEVICE_VARIANTS = variantsOf({ type: [false, true], properties: [false, true], categories: [false, true] });

/**
 * `POST /device` in one batch: key check, category check and the write (`upsertDevice` with a
 * type, else `updateDevice`). Whether the call created the device is read from the returned id:
 * only an inserted row carries the id generated here.
 */
export const saveDevice = async (db: Db, keyHash: string, input: DeviceWrite, now: string): Promise<DeviceSaveOutcome> => {
  const id = newId();
  const { auth, knownCategories: found, saved } = await namedBatch(db, saveDeviceBatch(db, { keyHash, input, id, now }));
  if (auth.length === 0) return { kind: "unauthorized" };
  const row = saved[0];
  if (row) return { kind: "saved", deviceId: row.id, identifier: row.identifier, type: row.type, created: row.id === id };
  const unknown = unknownCategories(input.categories, found);
  if (unknown.length) return { kind: "unknown_categories", names: unknown };
  return { kind: "type_required" };
};

/** Replaces the properties of every device of the key's organization the map (one bound JSON value) names. */
const replaceProperties = (db: Db, keyHash: string, map: string, now: string) =>
  db
    .update(devices)
    .set({
      properties: sql`(select json(value) from json_each(${map}) where key = ${devices.identifier})`,
      updatedAt: now,
    })
    .where(and(inKeyOrg(db, devices.organizationId, keyHash), sql`${devices.identifier} in (select key from json_each(${map}))`))
    .returning({ id: devices.id, identifier: devices.identifier });

/** replaceDeviceMetadata's batch (identifiers already trimmed), each statement under its name. */
export const replaceDeviceMetadataBatch = (
  db: Db,
  r: { keyHash: string; trimmed: readonly (readonly [identifier: string, metadata: Record<string, unknown>])[]; now: string },
) => ({
  auth: keyOrganization(db, r.keyHash),
  updated: replaceProperties(db, r.keyHash, JSON.stringify(Object.fromEntries(r.trimmed)), r.now),
});

export type BulkMetadataItem = { identifier: string; deviceId: string; status: "updated" | "not_found" };

/**
 * `POST /device/bulk-metadata`: replaces the properties of every listed device of the key's
 * organization in one UPDATE, whatever the count. The map travels as one bound JSON value (D1
 * allows 100 bound parameters per statement; the value is at most the 1 MiB body, under D1's
 * 2 MB string limit: https://developers.cloudflare.com/d1/platform/limits/). Keys are trimmed
 * first; of two keys that trim alike, the later one's metadata wins. Results follow input order.
 */
export const replaceDeviceMetadata = async (
  db: Db,
  keyHash: string,
  entries: readonly (readonly [identifier: string, metadata: Record<string, unknown>])[],
  now: string,
) => {
  const trimmed = entries.map(([identifier, metadata]) => [identifier.trim(), metadata] as const);
  const { auth, updated } = await namedBatch(db, replaceDeviceMetadataBatch(db, { keyHash, trimmed, now }));
  if (auth.length === 0) return undefined;
  const ids = new Map(updated.map((d) => [d.identifier, d.id]));
  const results: BulkMetadataItem[] = trimmed.map(([identifier]) => {
    const deviceId = ids.get(identifier);
    return deviceId ? { identifier, deviceId, status: "updated" } : { identifier, deviceId: "", status: "not_found" };
  });
  return { updated: updated.length, notFound: results.filter((r) => r.status === "not_found").length, results };
};
