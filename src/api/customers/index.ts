import { createCustomer, findCustomerByEmail, getCustomer, updateCustomer, type CustomerView, type SaveOutcome } from "../../db/customers";
import { ApiError, invalidApiKey } from "../../http/errors";
import { nowIso } from "../../lib/time";
import { createRouter } from "../router";
import { CUSTOMER_EXISTS } from "./schemas";
import { createOrUpdateCustomerRoute, getCustomerRoute, queryCustomerRoute } from "./routes";

// Telemetron documents these 400s' messages ("Email is required", "Customer ID must be valid UUID"):
// `error` is the first issue's own message.
export const customersApi = createRouter({ telemetron: true });

/** Telemetron's messages, matched word for word: its clients may show or compare them. */
const MESSAGES = {
  created: "Customer created successfully",
  updated: "Customer updated successfully",
  exists: CUSTOMER_EXISTS,
  updateNotFound: "Customer not found or does not belong to this organization",
  notFound: "Customer not found",
} as const;

/** The contract error for a save that wrote nothing; `categories` is the list as sent, for issue paths. */
const saveError = (outcome: Exclude<SaveOutcome, { kind: "saved" }>, updating: boolean, categories: string[] = []) => {
  switch (outcome.kind) {
    case "unauthorized":
      return invalidApiKey();
    case "not_found":
      return new ApiError(404, MESSAGES.updateNotFound);
    case "email_taken":
      return updating
        ? new ApiError(
            409,
            "Another customer of this organization already has this email",
            [{ path: "email", message: "email already in use" }],
            {
              telemetronCustomerId: outcome.existingId,
            },
          )
        : new ApiError(409, MESSAGES.exists, undefined, { telemetronCustomerId: outcome.existingId });
    case "unknown_categories":
      return new ApiError(
        400,
        "Validation failed",
        outcome.names.map((name) => ({
          path: `categories.${categories.indexOf(name)}`,
          message: `"${name}" is not an active customer category of this organization`,
        })),
      );
  }
};

const customerOrThrow = ({ authorized, customer }: { authorized: boolean; customer: CustomerView | undefined }) => {
  if (!authorized) throw invalidApiKey();
  if (!customer) throw new ApiError(404, MESSAGES.notFound);
  return customer;
};

customersApi.openapi(createOrUpdateCustomerRoute, async (c) => {
  const { telemetronCustomerId, customerId, ...input } = c.req.valid("json");
  const id = telemetronCustomerId ?? customerId;
  const outcome = id
    ? await updateCustomer(c.var.db, c.get("keyHash"), id, input, nowIso())
    : await createCustomer(c.var.db, c.get("keyHash"), input, nowIso());
  if (outcome.kind !== "saved") throw saveError(outcome, id !== undefined, input.categories);
  return c.json(
    { success: true as const, telemetronCustomerId: outcome.customerId, message: id ? MESSAGES.updated : MESSAGES.created },
    200,
  );
});

customersApi.openapi(queryCustomerRoute, async (c) => {
  const found = await findCustomerByEmail(c.var.db, c.get("keyHash"), c.req.valid("json").email);
  return c.json(customerOrThrow(found), 200);
});

customersApi.openapi(getCustomerRoute, async (c) => {
  const found = await getCustomer(c.var.db, c.get("keyHash"), c.req.valid("param").telemetronCustomerId);
  return c.json(customerOrThrow(found), 200);
});
