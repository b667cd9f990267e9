import { createCustomer, findCustomerByEmail, getCustomer, updateCustomer, type SaveOutcome } from "../../db/customers";
import { d1Session } from "../../http/d1-session";
import { ApiError, invalidApiKey } from "../../http/errors";
import { nowIso } from "../../lib/time";
import { createRouter } from "../router";
import { createOrUpdateCustomerRoute, getCustomerRoute, queryCustomerRoute } from "./routes";


export const customersApi = createRouter();

/** The contract error for a save that wrote nothing; `categories` is the list as sent, for issue paths. */
const saveError = (outcome: Exclude<SaveOutcome, { kind: "saved" }>, categories: string[] = []) => {
  switch (outcome.kind) {
    case "unauthorized":
      return invalidApiKey();
    case "not_found":
      return new ApiError(404, "Customer not found");
    case "email_taken":
      return new ApiError(409, "Another customer of this organization already has this email", [
        { path: "email", message: "email already in use" },
      ]);
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

const customerOrThrow = <T>({ authorized, customer }: { authorized: boolean; customer: T | undefined }): T => {
  if (!authorized) throw invalidApiKey();
  if (!customer) throw new ApiError(404, "Customer not found");
  return customer;
};

customersApi.openapi(createOrUpdateCustomerRoute, async (c) => {
  const { customerId, ...input } = c.req.valid("json");
  const { db, done } = d1Session(c, "first-primary");
  const outcome = customerId
    ? await updateCustomer(db, c.get("keyHash"), customerId, input, nowIso())
    : await createCustomer(db, c.get("keyHash"), input, nowIso());
  done();
  if (outcome.kind !== "saved") throw saveError(outcome, input.categories);
  const message = customerId ? "Customer updated successfully" : "Customer created successfully";
  return c.json({ success: true as const, customerId: outcome.customerId, message }, 200);
});

customersApi.openapi(queryCustomerRoute, async (c) => {
  const { db, done } = d1Session(c, "first-unconstrained");
  const found = await findCustomerByEmail(db, c.get("keyHash"), c.req.valid("json").email);
  done();
  return c.json({ success: true as const, customer: customerOrThrow(found) }, 200);
});

customersApi.openapi(getCustomerRoute, async (c) => {
  const { db, done } = d1Session(c, "first-unconstrained");
  const found = await getCustomer(db, c.get("keyHash"), c.req.valid("param").customerId);
  done();
  return c.json({ success: true as const, customer: customerOrThrow(found) }, 200);
});
