import * as z from "zod/mini";
import { LIMITS } from "../tickets/schemas";
import { MAX_JSON_DEPTH, nestsWithin, tooDeepMessage } from "../../lib/json-depth";

/** Customer-side bounds, documented with the ticket ones. */
export const CUSTOMER_LIMITS = { name: 200, phone: 50, address: 500, categories: 50 } as const;

// Telemetron's words for a missing email; a malformed one keeps Zod's own message.
const email = z
  .email({ error: (issue) => (issue.input === undefined ? "Email is required" : undefined) })
  .check(z.maxLength(LIMITS.email))
  .register(z.globalRegistry, { example: "john.doe@example.com" });

/** A JSON object (not null, an array or a primitive): Telemetron's `metadata` and device `properties`. */
export const jsonObject = z.record(z.string(), z.unknown());

/** A caller's JSON object we store (`field`: its name in the request), nested at most MAX_JSON_DEPTH levels. */
export const storedJsonObject = (field: string) =>
  jsonObject.check(z.refine((v) => nestsWithin(v, MAX_JSON_DEPTH), { message: tooDeepMessage(field) }));

// Telemetron documents the customer id as a UUID ("Customer ID must be valid UUID"); ours are UUIDv7.
const customerId = z.uuid("Customer ID must be valid UUID");

export const customerIdParam = z.object({
  telemetronCustomerId: customerId.clone().register(z.globalRegistry, {
    example: "019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b",
  }),
});

const updateId = z.string().check(z.trim(), z.minLength(1), z.maxLength(64));

export const createOrUpdateCustomerBody = z
  .object({
    email,
    name: z.nullish(z.string().check(z.trim(), z.maxLength(CUSTOMER_LIMITS.name))).register(z.globalRegistry, {
      description:
        "Defaults to the part of the email before `@` on create. On update: absent keeps the stored value, " +
        "null resets it to the email prefix.",
      example: "John Doe",
    }),
    phone: z.nullish(z.string().check(z.trim(), z.maxLength(CUSTOMER_LIMITS.phone))).register(z.globalRegistry, { example: "+1234567890" }),
    address: z
      .nullish(z.string().check(z.trim(), z.maxLength(CUSTOMER_LIMITS.address)))
      .register(z.globalRegistry, { example: "123 Main St, City, State 12345" }),
    metadata: z.nullish(storedJsonObject("metadata")).register(z.globalRegistry, {
      description: `Any JSON object nesting at most ${MAX_JSON_DEPTH} levels, stored as given (replaced on update; null resets it to {}).`,
      example: { plan: "pro" },
    }),
    categories: z
      .optional(
        z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(LIMITS.category))).check(z.maxLength(CUSTOMER_LIMITS.categories)),
      )
      .register(z.globalRegistry, {
        description:
          "Extension. Names of active organization categories that apply to customers (appliesTo customer or any), " +
          "case-insensitive; stored by their canonical names in the organization's category order. " +
          "On update: absent keeps the stored list, [] clears it.",
        example: ["VIP"],
      }),
    telemetronCustomerId: z
      .optional(updateId)
      .register(z.globalRegistry, { description: "Present: update this customer (404 if it is not this organization's)." }),
    customerId: z.optional(updateId).register(z.globalRegistry, { description: "Alias of `telemetronCustomerId`." }),
  })
  .check(
    z.refine((b) => !b.telemetronCustomerId || !b.customerId || b.telemetronCustomerId === b.customerId, {
      path: ["customerId"],
      message: "customerId is an alias of telemetronCustomerId: send one, or the same value in both",
    }),
  )
  .register(z.globalRegistry, { id: "CreateOrUpdateCustomerRequest" });

export type CustomerInput = z.infer<typeof createOrUpdateCustomerBody>;

export const queryCustomerBody = z.object({ email }).register(z.globalRegistry, { id: "QueryCustomerRequest" });
