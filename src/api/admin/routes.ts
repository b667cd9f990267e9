import { d1Session } from "../../http/d1-session";
import { createRoute } from "../route";
import { jsonBody } from "../common";
import {
  categoriesBody,
  createApiKeyBody,
  createOrganizationBody,
  keyIdParam,
  listOrganizationsQuery,
  orgIdParam,
  retryJobsBody,
  routingRulesBody,
  updateOrganizationBody,
} from "./schemas";

const _tags = ["Operator"];

// Creating and listing organizations span the shards: their handlers pick the shards themselves.
export const createOrganizationRoute = createRoute({
  operationId: "createOrganization",
  method: "post",
  path: "/admin/organizations",
  request: { body: jsonBody(createOrganizationBody) },
});

export const listOrganizationsRoute = createRoute({
  operationId: "listOrganizations",
  method: "get",
  path: "/admin/organizations",
  request: { query: listOrganizationsQuery },
});

export const listShardsRoute = createRoute({
  operationId: "listShards",
  method: "get",
  path: "/admin/shards",
});

export const getOrganizationRoute = createRoute({
  operationId: "getOrganization",
  middleware: [d1Session("write", "organization")] as const,
  method: "get",
  path: "/admin/organizations/{orgId}",
  request: { params: orgIdParam },
});

export const updateOrganizationRoute = createRoute({
  operationId: "updateOrganization",
  middleware: [d1Session("write", "organization")] as const,
  method: "patch",
  path: "/admin/organizations/{orgId}",
  request: { params: orgIdParam, body: jsonBody(updateOrganizationBody) },
});

export const createApiKeyRoute = createRoute({
  operationId: "createApiKey",
  middleware: [d1Session("write", "organization")] as const,
  method: "post",
  path: "/admin/organizations/{orgId}/api-keys",
  // Optional: a request without a body still creates an unlabelled key.
  request: { params: orgIdParam, body: { ...jsonBody(createApiKeyBody), required: false } },
});

export const revokeApiKeyRoute = createRoute({
  operationId: "revokeApiKey",
  middleware: [d1Session("write", "organization")] as const,
  method: "delete",
  path: "/admin/organizations/{orgId}/api-keys/{keyId}",
  request: { params: keyIdParam },
});

export const putCategoriesRoute = createRoute({
  operationId: "replaceCategories",
  middleware: [d1Session("write", "organization")] as const,
  method: "put",
  path: "/admin/organizations/{orgId}/categories",
  request: { params: orgIdParam, body: jsonBody(categoriesBody) },
});

export const putRoutingRulesRoute = createRoute({
  operationId: "replaceRoutingRules",
  middleware: [d1Session("write", "organization")] as const,
  method: "put",
  path: "/admin/organizations/{orgId}/routing-rules",
  request: { params: orgIdParam, body: jsonBody(routingRulesBody) },
});

export const retryJobsRoute = createRoute({
  operationId: "retryJobs",
  middleware: [d1Session("write", "organization")] as const,
  method: "post",
  path: "/admin/organizations/{orgId}/jobs/retry",
  request: { params: orgIdParam, body: jsonBody(retryJobsBody) },
});
