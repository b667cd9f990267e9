import { createCustomer, findCustomerByEmail, getCustomer, updateCustomer, type CustomerView, type SaveOutcome } from "../../db/customers";
import { errors } from "../../http/errors";
import { nowIso } from "../../lib/time";
import { createRouter } from "../router";
import { createOrUpdateCustomerRoute, getCustomerRoute, queryCustomerRoute } from "./routes";

// Telemetron documents these 400s' messages ("Email is required", "Customer ID must be valid UUID"):
// `error` is the first issue's own message.
export const customersApi = createRouter({ telemetron: true });

/** Telemetron's messages, matched word for word: its clients may show or compare them. */
const MESSAGES = {
  created: "Customer created successfully",
  updated: "Customer updated successfully",
} as const;

/** The contract error for a save that wrote nothing; `categories` is the list as sent, for issue paths. */
const saveError = (outcome: Exclude<SaveOutcome, { kind: "saved" }>, updating: boolean, categories: string[] = []) => {
  switch (outcome.kind) {
    case "unauthorized":
      return errors.invalidApiKey();
    case "not_found":
      return errors.customerToUpdateNotFound();
    case "email_taken":
      return updating ? errors.customerEmailTaken(outcome.existingId) : errors.customerExists(outcome.existingId);
    case "unknown_categories":
      return errors.unknownCategories(
        "customer",
        outcome.names.map((name) => ({ path: `categories.${categories.indexOf(name)}`, name })),
      );
  }
};

const customerOrThrow = ({ authorized, customer }: { authorized: boolean; customer: CustomerView | undefined }) => {
  if (!authorized) throw errors.invalidApiKey();
  if (!customer) throw errors.customerNotFound();
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
