import * as z from "zod/mini";
import { errorBody, errors } from "../../http/errors";
import { bookmarkHeader, bookmarkResponseHeader } from "../../http/d1-session";
import { apiKeySecurity as security, errorResponses, examplesOf, jsonContent } from "../common.docs";
import { createOrUpdateCustomerBody } from "./schemas";
import { customerConflictSchema, customerResponse, savedCustomerResponse } from "./schemas.docs";
import type { RouteDocs } from "../route";

const tags = ["Customers"];
const _headers = z.object(bookmarkHeader);

/** What the OpenAPI document says about each operation beyond what its route validates (build time only). */
export const customersDocs: Record<string, RouteDocs> = {
  createOrUpdateCustomer: {
    tags,
    summary: "Create a customer, or update one by telemetronCustomerId",
    description:
      "Without `telemetronCustomerId` (or its alias `customerId`): creates the customer, or 409 if a customer of " +
      "this organization already has the email (case-insensitive); the 409 body carries that customer's " +
      "`telemetronCustomerId`. With it: updates that customer (404 if it is not this organization's); absent " +
      "fields keep their value, null clears an optional one.",
    security,
    body: {
      examples: examplesOf(createOrUpdateCustomerBody, {
        create: {
          summary: "Create (Telemetron's example)",
          value: { name: "John Doe", email: "john.doe@example.com", phone: "+1234567890", address: "123 Main St, City, State 12345" },
        },
      }),
    },
    responses: {
      200: { ...jsonContent(savedCustomerResponse, "Created or updated"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, { 404: errors.customerToUpdateNotFound() }, 413, 415, 429, 500, 503),
      409: {
        description: "Another customer of this organization has this email; `telemetronCustomerId` names it",
        content: {
          "application/json": {
            schema: customerConflictSchema,
            example: errorBody(errors.customerExists("019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b")),
          },
        },
      },
    },
  },
  queryCustomer: {
    tags,
    summary: "Find a customer by email (case-insensitive)",
    description: "Answers with the customer object at the top level, as Telemetron does.",
    security,
    responses: {
      200: { ...jsonContent(customerResponse, "The customer"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, { 404: errors.customerNotFound() }, 413, 415, 429, 500, 503),
    },
  },
  getCustomer: {
    tags,
    summary: "Get a customer by id",
    description: "Answers with the customer object at the top level, as Telemetron does. An id that is not a UUID is a 400.",
    security,
    responses: {
      200: { ...jsonContent(customerResponse, "The customer"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, { 404: errors.customerNotFound() }, 429, 500, 503),
    },
  },
};
