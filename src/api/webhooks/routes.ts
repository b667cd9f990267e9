import * as z from "zod/mini";
import { bookmarkHeader, d1Session } from "../../http/d1-session";
import { jsonBody } from "../common";
import { createRoute } from "../route";
import { createEndpointBody, endpointIdBody, listDeliveriesQuery, redeliverBody, updateEndpointBody } from "./schemas";

const headers = z.object(bookmarkHeader);

export const createEndpointRoute = createRoute({
  operationId: "createEndpoint",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/webhook/createEndpoint",
  request: { body: jsonBody(createEndpointBody), headers },
});

export const listEndpointsRoute = createRoute({
  operationId: "listEndpoints",
  middleware: [d1Session("read")] as const,
  method: "get",
  path: "/api/ext-v1/webhook/listEndpoints",
  request: { headers },
});

export const updateEndpointRoute = createRoute({
  operationId: "updateEndpoint",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/webhook/updateEndpoint",
  request: { body: jsonBody(updateEndpointBody), headers },
});

export const deleteEndpointRoute = createRoute({
  operationId: "deleteEndpoint",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/webhook/deleteEndpoint",
  request: { body: jsonBody(endpointIdBody), headers },
});

export const rotateSecretRoute = createRoute({
  operationId: "rotateSecret",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/webhook/rotateSecret",
  request: { body: jsonBody(endpointIdBody), headers },
});

export const listDeliveriesRoute = createRoute({
  operationId: "listDeliveries",
  middleware: [d1Session("read")] as const,
  method: "get",
  path: "/api/ext-v1/webhook/listDeliveries",
  request: { query: listDeliveriesQuery, headers },
});

export const redeliverRoute = createRoute({
  operationId: "redeliver",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/webhook/redeliver",
  request: { body: jsonBody(redeliverBody), headers },
});
