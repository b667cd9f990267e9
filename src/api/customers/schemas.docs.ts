// Build time only: the response schemas, which only the OpenAPI document reads (the handlers build
// their answers, typed by their queries); the worker never imports this module.
import * as z from "zod/mini";
import { errorSchema } from "../common.docs";
import { jsonObject } from "./schemas";
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
