import * as z from "zod/mini";
import { DEVICE_LIMITS, deviceType, identifier } from "../devices/schemas";
import { LIMITS } from "../tickets/schemas";

/** Owners one assignDeviceToOwners call may name; identifiers per bulk call match bulk-metadata's 1,000. */
export const ASSIGNMENT_LIMITS = { emails: 100, identifiers: DEVICE_LIMITS.bulk } as const;

// Telemetron's messages, word for word.
export const ASSIGNMENT_MESSAGES = {
  deviceTypeRequired: "deviceType is required when creating a new device",
  noValidEmails: "No valid customer emails provided",
  noValidIdentifiers: "No valid device identifiers provided",
  invalidEmail: "Invalid email format",
} as const;

// Zod's email pattern, read from its email format rather than from `z.regexes`: that namespace is
// an object no bundler can tree-shake (all of Zod's ~60 patterns, about 7 KiB of the bundle).
const ZOD_EMAIL = z.email()._zod.def.pattern!;

/** Trimmed and lower-cased, as Telemetron's assignment endpoints treat emails. */
export const normalizedEmail = z
  .string({ error: ASSIGNMENT_MESSAGES.invalidEmail })
  .check(
    z.trim(),
    z.toLowerCase(),
    z.maxLength(LIMITS.email, ASSIGNMENT_MESSAGES.invalidEmail),
    z.regex(ZOD_EMAIL, ASSIGNMENT_MESSAGES.invalidEmail),
  );

/** Keeps the emails that are valid, trimmed, lower-cased and without repeats; the rest are reported back. */
export const sortEmails = (raw: readonly string[]) => {
  const valid = new Set<string>();
  const invalid: string[] = [];
  for (const email of raw) {
    const parsed = normalizedEmail.safeParse(email);
    if (parsed.success) valid.add(parsed.data);
    else invalid.push(email);
  }
  return { valid: [...valid], invalid };
};

/** Trimmed identifiers without blanks or repeats, in input order. */
export const cleanIdentifiers = (raw: readonly string[]) => [...new Set(raw.map((i) => i.trim()).filter((i) => i.length > 0))];

export const identifiers = z
  .array(z.string().check(z.maxLength(DEVICE_LIMITS.identifier)), { error: "deviceIdentifiers must be a non-empty array of strings" })
  .check(z.minLength(1, "deviceIdentifiers must be a non-empty array of strings"), z.maxLength(ASSIGNMENT_LIMITS.identifiers));

/** Auto-creating a device needs its type (Telemetron: 400 whenever the flag is set without one). */
const typeGiven = (create: boolean | undefined, type: string | undefined) => !create || type !== undefined;
const TYPE_REQUIRED = { path: ["deviceType"], message: ASSIGNMENT_MESSAGES.deviceTypeRequired };

export const assignDeviceToOwnersBody = z
  .object({
    // Its own instance: schemas.docs.ts describes this use of the shared schema, not every use.
    deviceIdentifier: identifier.clone(),
    customerEmails: z
      .array(z.string(), { error: "customerEmails must be an array of emails" })
      .check(z.minLength(1, ASSIGNMENT_MESSAGES.noValidEmails), z.maxLength(ASSIGNMENT_LIMITS.emails)),
    autoCreateDevice: z.optional(z.boolean()),
    deviceType: z.optional(deviceType),
  })
  .check(z.refine((b) => typeGiven(b.autoCreateDevice, b.deviceType), TYPE_REQUIRED));

export const assignDevicesToOwnerBody = z
  .object({
    customerEmail: normalizedEmail,
    deviceIdentifiers: identifiers,
    autoCreateDevices: z.optional(z.boolean()),
    deviceType: z.optional(deviceType),
  })
  .check(z.refine((b) => typeGiven(b.autoCreateDevices, b.deviceType), TYPE_REQUIRED));

export const unassignDeviceFromOwnerBody = z
  // Email first: Telemetron validates its format before anything else, so its message leads.
  .object({
    customerEmail: normalizedEmail,
    // Its own instance: schemas.docs.ts describes this use of the shared schema, not every use.
    deviceIdentifier: identifier.clone(),
  });

export const unassignDevicesFromOwnerBody = z.object({ customerEmail: normalizedEmail, deviceIdentifiers: identifiers });
