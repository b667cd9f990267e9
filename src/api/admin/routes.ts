import { errors } from "../../http/errors";
import { d1Session } from "../../http/d1-session";
import * as z from "zod/mini";
import { createRoute } from "../route";
import { adminSecurity as security, errorResponses, jsonBody, jsonContent } from "../common";
import {
  categoriesBody,
  categorySchema,
  createApiKeyBody,
  createdKeySchema,
  createdOrganizationSchema,
  createOrganizationBody,
  keyIdParam,
  listOrganizationsQuery,
  listOrganizationsResponse,
  organizationSchema,
  orgIdParam,
  retryJobsBody,
  retryJobsResponse,
  routingRulesResponse,
  routingRulesBody,
  updateOrganizationBody,
} from "./schemas";

const tags = ["Operator"];

export const createOrganizationRoute = createRoute({
  operationId: "createOrganization",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/admin/organizations",
  tags,
  security,
  summary: "Create an organization and its first API key",
  request: { body: jsonBody(createOrganizationBody) },
  responses: { 201: jsonContent(createdOrganizationSchema, "Created"), ...errorResponses(400, 401, 413, 415, 500) },
});

export const listOrganizationsRoute = createRoute({
  operationId: "listOrganizations",
  middleware: [d1Session("write")] as const,
  method: "get",
  path: "/admin/organizations",
  tags,
  security,
  summary: "Every organization, newest first, with its API key counts (never the keys)",
  request: { query: listOrganizationsQuery },
  responses: { 200: jsonContent(listOrganizationsResponse, "A page of organizations"), ...errorResponses(400, 401, 500) },
});

export const getOrganizationRoute = createRoute({
  operationId: "getOrganization",
  middleware: [d1Session("write")] as const,
  method: "get",
  path: "/admin/organizations/{orgId}",
  tags,
  security,
  summary: "An organization with its categories, routing rules and key ids",
  request: { params: orgIdParam },
  responses: {
    200: jsonContent(organizationSchema, "The organization"),
    ...errorResponses(400, 401, { 404: errors.organizationNotFound() }, 500),
  },
});

export const updateOrganizationRoute = createRoute({
  operationId: "updateOrganization",
  middleware: [d1Session("write")] as const,
  method: "patch",
  path: "/admin/organizations/{orgId}",
  tags,
  security,
  summary: "Rename an organization or set/clear its Slack webhook",
  request: { params: orgIdParam, body: jsonBody(updateOrganizationBody) },
  responses: {
    200: jsonContent(organizationSchema, "Updated"),
    ...errorResponses(400, 401, { 404: errors.organizationNotFound() }, 413, 415, 500),
  },
});

export const createApiKeyRoute = createRoute({
  operationId: "createApiKey",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/admin/organizations/{orgId}/api-keys",
  tags,
  security,
  summary: "Add an API key (rotation without downtime)",
  // Optional: a request without a body still creates an unlabelled key.
  request: { params: orgIdParam, body: { ...jsonBody(createApiKeyBody), required: false } },
  responses: {
    201: jsonContent(createdKeySchema, "Created; the key is shown once"),
    ...errorResponses(400, 401, { 404: errors.organizationNotFound() }, 413, 415, 500),
  },
});

export const revokeApiKeyRoute = createRoute({
  operationId: "revokeApiKey",
  middleware: [d1Session("write")] as const,
  method: "delete",
  path: "/admin/organizations/{orgId}/api-keys/{keyId}",
  tags,
  security,
  summary: "Revoke an API key; it stops working at once",
  request: { params: keyIdParam },
  responses: { 204: { description: "Revoked" }, ...errorResponses(400, 401, { 404: errors.apiKeyNotFound() }, 500) },
});

export const putCategoriesRoute = createRoute({
  operationId: "replaceCategories",
  middleware: [d1Session("write")] as const,
  method: "put",
  path: "/admin/organizations/{orgId}/categories",
  tags,
  security,
  summary: "Replace the organization's categories",
  request: { params: orgIdParam, body: jsonBody(categoriesBody) },
  responses: {
    200: jsonContent(z.object({ success: z.literal(true), categories: z.array(categorySchema) }), "Replaced"),
    ...errorResponses(400, 401, { 404: errors.organizationNotFound() }, 413, 415, 500),
  },
});

export const putRoutingRulesRoute = createRoute({
  operationId: "replaceRoutingRules",
  middleware: [d1Session("write")] as const,
  method: "put",
  path: "/admin/organizations/{orgId}/routing-rules",
  tags,
  security,
  summary: "Replace the organization's ordered routing rules (first match wins)",
  description:
    "Conditions (ticketCategory, customerCategory, deviceCategory, priority; at least one) combine with AND. A rule " +
    "whose conditions include all of an earlier rule's can never match: it is saved, and named in `warnings`.",
  request: { params: orgIdParam, body: jsonBody(routingRulesBody) },
  responses: {
    200: jsonContent(routingRulesResponse, "Replaced; `warnings` names every rule an earlier, broader rule shadows"),
    ...errorResponses(400, 401, { 404: errors.organizationNotFound() }, 413, 415, 500),
  },
});

export const retryJobsRoute = createRoute({
  operationId: "retryJobs",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/admin/organizations/{orgId}/jobs/retry",
  tags,
  security,
  summary: "Re-drive the organization's failed jobs",
  description:
    "Hands failed jobs (categorizations, Slack posts, routing) back to the queue in bounded batches, each ticket's in their " +
    "order, and sets the tickets' `processing` states back to `pending` with them. `more` says whether failed jobs are left.",
  request: { params: orgIdParam, body: jsonBody(retryJobsBody) },
  responses: {
    200: jsonContent(retryJobsResponse, "Re-driven"),
    ...errorResponses(400, 401, { 404: errors.organizationNotFound() }, 413, 415, 500),
  },
});
