import * as z from "zod/mini";
import { createRoute } from "../route";
import { bookmarkHeader, d1Session } from "../../http/d1-session";
import { jsonBody } from "../common";
import { createOrUpdateCustomerBody, customerIdParam, queryCustomerBody } from "./schemas";

const _tags = ["Customers"];
const headers = z.object(bookmarkHeader);

export const createOrUpdateCustomerRoute = createRoute({
  operationId: "createOrUpdateCustomer",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/customer/createOrUpdateCustomer",
  request: {
    body: jsonBody(createOrUpdateCustomerBody),
    headers,
  },
});

export const queryCustomerRoute = createRoute({
  operationId: "queryCustomer",
  middleware: [d1Session("read")] as const,
  method: "post",
  path: "/api/ext-v1/customer/queryCustomer",
  request: { body: jsonBody(queryCustomerBody), headers },
});

export const getCustomerRoute = createRoute({
  operationId: "getCustomer",
  middleware: [d1Session("read")] as const,
  method: "get",
  path: "/api/ext-v1/customer/getCustomer/{telemetronCustomerId}",
  request: { params: customerIdParam, headers },
});
