import { createRoute, z } from "@hono/zod-openapi";
import { bookmarkHeader, bookmarkResponseHeader } from "../../http/d1-session";
import { apiKeySecurity as security, errorResponses, jsonBody, jsonContent } from "../common";
import { createOrUpdateCustomerBody, customerIdParam, customerResponse, queryCustomerBody, savedCustomerResponse } from "./schemas";

const tags = ["Customers"];
const headers = z.object(bookmarkHeader);

export const createOrUpdateCustomerRoute = createRoute({
  method: "post",
  path: "/api/ext-v1/customer/createOrUpdateCustomer",
  tags,
  summary: "Create a customer, or update one by customerId",
  description:
    "Without `customerId`: creates the customer, or 409 if a customer of this organization already has the " +
    "email (case-insensitive). With `customerId`: updates that customer (404 if absent); absent fields keep " +
    "their value.",
  security,
  request: { body: jsonBody(createOrUpdateCustomerBody), headers },
  responses: {
    200: { ...jsonContent(savedCustomerResponse, "Created or updated"), headers: bookmarkResponseHeader },
    ...errorResponses(400, 401, 404, 409, 413, 415, 429, 500),
  },
});

export const queryCustomerRoute = createRoute({
  method: "post",
  path: "/api/ext-v1/customer/queryCustomer",
  tags,
  summary: "Find a customer by email (case-insensitive)",
  security,
  request: { body: jsonBody(queryCustomerBody), headers },
  responses: {
    200: { ...jsonContent(customerResponse, "The customer"), headers: bookmarkResponseHeader },
    ...errorResponses(400, 401, 404, 413, 415, 429, 500),
  },
});

export const getCustomerRoute = createRoute({
  method: "get",
  path: "/api/ext-v1/customer/getCustomer/{customerId}",
  tags,
  summary: "Get a customer",
  security,
  request: { params: customerIdParam, headers },
  responses: {
    200: { ...jsonContent(customerResponse, "The customer"), headers: bookmarkResponseHeader },
    ...errorResponses(400, 401, 404, 429, 500),
  },
});
