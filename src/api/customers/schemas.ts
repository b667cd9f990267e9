import { z } from "@hono/zod-openapi";
import { LIMITS } from "../tickets/schemas";

/** Customer-side bounds, documented with the ticket ones. */
export const CUSTOMER_LIMITS = { name: 200, phone: 50, categories: 50 } as const;

const email = z.email().max(LIMITS.email).openapi({ example: "jane@example.com" });

export const customerIdParam = z.object({
  customerId: z.string().min(1).max(64).openapi({ param: { name: "customerId", in: "path" } }),
});

export const createOrUpdateCustomerBody = z
  .object({
    email,
    name: z.string().trim().max(CUSTOMER_LIMITS.name).nullish().openapi({
      description: "On update: absent keeps the stored value, null clears it.",
      example: "Jane Doe",
    }),
    phone: z.string().trim().max(CUSTOMER_LIMITS.phone).nullish().openapi({ example: "+1 555 0100" }),
    categories: z
      .array(z.string().trim().min(1).max(LIMITS.category))
      .max(CUSTOMER_LIMITS.categories)
      .optional()
      .openapi({
        description:
          "Names of active organization categories that apply to customers (appliesTo customer or any), " +
          "case-insensitive; stored by their canonical names in the organization's category order. " +
          "On update: absent keeps the stored list, [] clears it.",
        example: ["VIP"],
      }),
    customerId: z.string().min(1).max(64).optional().openapi({ description: "Present: update this customer (404 if absent)." }),
  })
  .openapi("CreateOrUpdateCustomerRequest");

export type CustomerInput = z.infer<typeof createOrUpdateCustomerBody>;

export const queryCustomerBody = z.object({ email }).openapi("QueryCustomerRequest");

export const customerSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    categories: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Customer");

export const customerResponse = z.object({ success: z.literal(true), customer: customerSchema }).openapi("CustomerResponse");

export const savedCustomerResponse = z
  .object({
    success: z.literal(true),
    customerId: z.string(),
    message: z.string().openapi({ example: "Customer created successfully" }),
  })
  .openapi("SavedCustomerResponse");
