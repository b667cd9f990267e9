// Build time only; the worker never imports this module. The response schemas, which only the
// OpenAPI document reads (the handlers build their answers, typed by their queries), and what the
// document says about the request schemas (`describe`: ids, descriptions, examples).
import * as z from "zod/mini";
import { errorSchema } from "../common.docs";
import { createOrUpdateCustomerBody, customerIdParam, jsonObject, email, queryCustomerBody } from "./schemas";
import { MAX_JSON_DEPTH } from "../../lib/json-depth";
import { describe } from "../common.docs";
/** Telemetron's customer object (at the top level of the response) plus `success`, `categories`, `updatedAt`. */
export const customerResponse = z
  .object({
    success: z.literal(true),
    id: z
      .string()
      .register(z.globalRegistry, { description: "The customer's id; other endpoints call it `telemetronCustomerId` or `customerId`." }),
    organizationId: z.string(),
    name: z.string(),
    email: z.string(),
    phone: z.optional(z.string()).register(z.globalRegistry, { description: "Absent when not provided." }),
    address: z.optional(z.string()).register(z.globalRegistry, { description: "Absent when not provided." }),
    devices: z.array(z.string()).register(z.globalRegistry, {
      description: "Identifiers of the devices assigned to the customer, oldest assignment first; at most 5,000 (see deviceCount).",
    }),
    deviceCount: z.number().check(z.int()).register(z.globalRegistry, { description: "Extension: how many devices are assigned in all." }),
    orders: z.array(z.string()).register(z.globalRegistry, { description: "Always []: nothing in this API writes orders." }),
    metadata: jsonObject,
    categories: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .register(z.globalRegistry, { id: "Customer" });

export const savedCustomerResponse = z
  .object({
    success: z.literal(true),
    telemetronCustomerId: z.string(),
    message: z.enum(["Customer created successfully", "Customer updated successfully"]),
  })
  .register(z.globalRegistry, { id: "SavedCustomerResponse" });

/** The 409 body: Telemetron's extra key beside `error`, so a client can update that customer instead. */
export const customerConflictSchema = z
  .extend(errorSchema, {
    telemetronCustomerId: z
      .string()
      .register(z.globalRegistry, { description: "The customer of this organization that already has the email." }),
  })
  .register(z.globalRegistry, { id: "CustomerConflictError" });

// What the document says about the request schemas (the worker validates with them, undescribed).
describe(email, { example: "john.doe@example.com" });
describe(customerIdParam.shape.telemetronCustomerId, {
  example: "019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b",
});
describe(createOrUpdateCustomerBody.shape.name, {
  description:
    "Defaults to the part of the email before `@` on create. On update: absent keeps the stored value, " +
    "null resets it to the email prefix.",
  example: "John Doe",
});
describe(createOrUpdateCustomerBody.shape.phone, { example: "+1234567890" });
describe(createOrUpdateCustomerBody.shape.address, { example: "123 Main St, City, State 12345" });
describe(createOrUpdateCustomerBody.shape.metadata, {
  description: `Any JSON object nesting at most ${MAX_JSON_DEPTH} levels, stored as given (replaced on update; null resets it to {}).`,
  example: { plan: "pro" },
});
describe(createOrUpdateCustomerBody.shape.categories, {
  description:
    "Extension. Names of active organization categories that apply to customers (appliesTo customer or any), " +
    "case-insensitive; stored by their canonical names in the organization's category order. " +
    "On update: absent keeps the stored list, [] clears it.",
  example: ["VIP"],
});
describe(createOrUpdateCustomerBody.shape.telemetronCustomerId, {
  description: "Present: update this customer (404 if it is not this organization's).",
});
describe(createOrUpdateCustomerBody.shape.customerId, { description: "Alias of `telemetronCustomerId`." });
describe(createOrUpdateCustomerBody, { id: "CreateOrUpdateCustomerRequest" });
describe(queryCustomerBody, { id: "QueryCustomerRequest" });
