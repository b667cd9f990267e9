import * as z from "zod/mini";
import { LIMITS } from "../tickets/schemas";
import { MAX_JSON_DEPTH, nestsWithin, tooDeepMessage } from "../../lib/json-depth";

/** Customer-side bounds, documented with the ticket ones. */
export const CUSTOMER_LIMITS = { name: 200, phone: 50, address: 500, categories: 50 } as const;

// Telemetron's words for a missing email; a malformed one keeps Zod's own message.
export const email = z
  .email({ error: (issue) => (issue.input === undefined ? "Email is required" : undefined) })
  .check(z.maxLength(LIMITS.email));

/** A JSON object (not null, an array or a primitive): Telemetron's `metadata` and device `properties`. */
export const jsonObject = z.record(z.string(), z.unknown());

/** A caller's JSON object we store (`field`: its name in the request), nested at most MAX_JSON_DEPTH levels. */
export const storedJsonObject = (field: string) =>
  jsonObject.check(z.refine((v) => nestsWithin(v, MAX_JSON_DEPTH), { message: tooDeepMessage(field) }));

// Telemetron documents the customer id as a UUID ("Customer ID must be valid UUID"); ours are UUIDv7.
const customerId = z.uuid("Customer ID must be valid UUID");

export const customerIdParam = z.object({
  // Its own instance: schemas.docs.ts describes this use of the shared schema, not every use.
  telemetronCustomerId: customerId.clone(),
});

const updateId = z.string().check(z.trim(), z.minLength(1), z.maxLength(64));

export const createOrUpdateCustomerBody = z
  .object({
    email,
    name: z.nullish(z.string().check(z.trim(), z.maxLength(CUSTOMER_LIMITS.name))),
    phone: z.nullish(z.string().check(z.trim(), z.maxLength(CUSTOMER_LIMITS.phone))),
    address: z.nullish(z.string().check(z.trim(), z.maxLength(CUSTOMER_LIMITS.address))),
    metadata: z.nullish(storedJsonObject("metadata")),
    categories: z.optional(
      z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(LIMITS.category))).check(z.maxLength(CUSTOMER_LIMITS.categories)),
    ),
    telemetronCustomerId: z.optional(updateId),
    customerId: z.optional(updateId),
  })
  .check(
    z.refine((b) => !b.telemetronCustomerId || !b.customerId || b.telemetronCustomerId === b.customerId, {
      path: ["customerId"],
      message: "customerId is an alias of telemetronCustomerId: send one, or the same value in both",
    }),
  );

export type CustomerInput = z.infer<typeof createOrUpdateCustomerBody>;

export const queryCustomerBody = z.object({ email });
