import * as z from "zod";
import { errorSchema } from "../common";
import { LIMITS } from "../tickets/schemas";
import { MAX_JSON_DEPTH, nestsWithin, tooDeepMessage } from "../../lib/json-depth";

/** Customer-side bounds, documented with the ticket ones. */
export const CUSTOMER_LIMITS = { name: 200, phone: 50, address: 500, categories: 50 } as const;

// Telemetron's words for a missing email; a malformed one keeps Zod's own message.
const email = z
  .email({ error: (issue) => (issue.input === undefined ? "Email is required" : undefined) })
  .max(LIMITS.email)
  .meta({ example: "john.doe@example.com" });

/** A JSON object (not null, an array or a primitive): Telemetron's `metadata` and device `properties`. */
export const jsonObject = z.record(z.string(), z.unknown());

/** A caller's JSON object we store (`field`: its name in the request), nested at most MAX_JSON_DEPTH levels. */
export const storedJsonObject = (field: string) =>
  jsonObject.refine((v) => nestsWithin(v, MAX_JSON_DEPTH), { message: tooDeepMessage(field) });

// Telemetron documents the customer id as a UUID ("Customer ID must be valid UUID"); ours are UUIDv7.
const customerId = z.uuid("Customer ID must be valid UUID");

export const customerIdParam = z.object({
  telemetronCustomerId: customerId.meta({
    example: "019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b",
  }),
});

const updateId = z.string().trim().min(1).max(64);

export const createOrUpdateCustomerBody = z
  .object({
    email,
    name: z
      .string()
      .trim()
      .max(CUSTOMER_LIMITS.name)
      .nullish()
      .meta({
        description:
          "Defaults to the part of the email before `@` on create. On update: absent keeps the stored value, " +
          "null resets it to the email prefix.",
        example: "John Doe",
      }),
    phone: z.string().trim().max(CUSTOMER_LIMITS.phone).nullish().meta({ example: "+1234567890" }),
    address: z.string().trim().max(CUSTOMER_LIMITS.address).nullish().meta({ example: "123 Main St, City, State 12345" }),
    metadata: storedJsonObject("metadata")
      .nullish()
      .meta({
        description: `Any JSON object nesting at most ${MAX_JSON_DEPTH} levels, stored as given (replaced on update; null resets it to {}).`,
        example: { plan: "pro" },
      }),
    categories: z
      .array(z.string().trim().min(1).max(LIMITS.category))
      .max(CUSTOMER_LIMITS.categories)
      .optional()
      .meta({
        description:
          "Extension. Names of active organization categories that apply to customers (appliesTo customer or any), " +
          "case-insensitive; stored by their canonical names in the organization's category order. " +
          "On update: absent keeps the stored list, [] clears it.",
        example: ["VIP"],
      }),
    telemetronCustomerId: updateId
      .optional()
      .meta({ description: "Present: update this customer (404 if it is not this organization's)." }),
    customerId: updateId.optional().meta({ description: "Alias of `telemetronCustomerId`." }),
  })
  .refine((b) => !b.telemetronCustomerId || !b.customerId || b.telemetronCustomerId === b.customerId, {
    path: ["customerId"],
    message: "customerId is an alias of telemetronCustomerId: send one, or the same value in both",
  })
  .meta({ id: "CreateOrUpdateCustomerRequest" });

export type CustomerInput = z.infer<typeof createOrUpdateCustomerBody>;

export const queryCustomerBody = z.object({ email }).meta({ id: "QueryCustomerRequest" });

/** Telemetron's customer object (at the top level of the response) plus `success`, `categories`, `updatedAt`. */
export const customerResponse = z
  .object({
    success: z.literal(true),
    id: z.string().meta({ description: "The customer's id; other endpoints call it `telemetronCustomerId` or `customerId`." }),
    organizationId: z.string(),
    name: z.string(),
    email: z.string(),
    phone: z.string().optional().meta({ description: "Absent when not provided." }),
    address: z.string().optional().meta({ description: "Absent when not provided." }),
    devices: z.array(z.string()).meta({
      description: "Identifiers of the devices assigned to the customer, oldest assignment first; at most 5,000 (see deviceCount).",
    }),
    deviceCount: z.number().int().meta({ description: "Extension: how many devices are assigned in all." }),
    orders: z.array(z.string()).meta({ description: "Always []: nothing in this API writes orders." }),
    metadata: jsonObject,
    categories: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Customer" });

export const savedCustomerResponse = z
  .object({
    success: z.literal(true),
    telemetronCustomerId: z.string(),
    message: z.enum(["Customer created successfully", "Customer updated successfully"]),
  })
  .meta({ id: "SavedCustomerResponse" });

/** The 409 body: Telemetron's extra key beside `error`, so a client can update that customer instead. */
export const customerConflictSchema = errorSchema
  .extend({ telemetronCustomerId: z.string().meta({ description: "The customer of this organization that already has the email." }) })
  .meta({ id: "CustomerConflictError" });
