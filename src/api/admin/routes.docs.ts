import { errors } from "../../http/errors";
import * as z from "zod/mini";
import { adminSecurity as security, errorResponses, jsonContent } from "../common.docs";
import {
  categorySchema,
  createdKeySchema,
  createdOrganizationSchema,
  listOrganizationsResponse,
  organizationSchema,
  retryJobsResponse,
  routingRulesResponse,
  shardsResponse,
} from "./schemas.docs";
import type { RouteDocs } from "../route";

const tags = ["Operator"];

/** What the OpenAPI document says about each operation beyond what its route validates (build time only). */
export const adminDocs: Record<string, RouteDocs> = {
  createOrganization: {
    tags,
    security,
    summary: "Create an organization and its first API key, on the D1 shard with the fewest organizations (or `shard`)",
    responses: { 201: jsonContent(createdOrganizationSchema, "Created"), ...errorResponses(400, 401, 413, 415, 500, 503) },
  },
  listOrganizations: {
    tags,
    security,
    summary: "Every organization of every shard, newest first, with its shard and API key counts (never the keys)",
    description: "One query per shard, in parallel, merged; `nextCursor` pages them all together.",
    responses: { 200: jsonContent(listOrganizationsResponse, "A page of organizations"), ...errorResponses(400, 401, 500, 503) },
  },
  listShards: {
    tags,
    security,
    summary: "Per D1 shard: organizations, tickets and the database's approximate size",
    description:
      "One batch per shard, in parallel. Counting reads every organization and ticket row of each shard (D1 bills rows read): an operator's call, not one to poll.",
    responses: { 200: jsonContent(shardsResponse, "Every shard, in D1_SHARDS order"), ...errorResponses(400, 401, 500) },
  },
  getOrganization: {
    tags,
    security,
    summary: "An organization with its categories, routing rules and key ids",
    responses: {
      200: jsonContent(organizationSchema, "The organization"),
      ...errorResponses(400, 401, { 404: errors.organizationNotFound() }, 500, 503),
    },
  },
  updateOrganization: {
    tags,
    security,
    summary: "Rename an organization, set/clear its Slack webhook, configure its email channel",
    responses: {
      200: jsonContent(organizationSchema, "Updated"),
      ...errorResponses(
        400,
        401,
        { 404: errors.organizationNotFound() },
        { 409: errors.emailAddressTaken("support@acme.example") },
        413,
        415,
        500,
        503,
      ),
    },
  },
  createApiKey: {
    tags,
    security,
    summary: "Add an API key (rotation without downtime)",
    responses: {
      201: jsonContent(createdKeySchema, "Created; the key is shown once"),
      ...errorResponses(400, 401, { 404: errors.organizationNotFound() }, 413, 415, 500, 503),
    },
  },
  revokeApiKey: {
    tags,
    security,
    summary: "Revoke an API key; it stops working at once",
    responses: { 204: { description: "Revoked" }, ...errorResponses(400, 401, { 404: errors.apiKeyNotFound() }, 500, 503) },
  },
  replaceCategories: {
    tags,
    security,
    summary: "Replace the organization's categories",
    responses: {
      200: jsonContent(z.object({ success: z.literal(true), categories: z.array(categorySchema) }), "Replaced"),
      ...errorResponses(400, 401, { 404: errors.organizationNotFound() }, 413, 415, 500, 503),
    },
  },
  replaceRoutingRules: {
    tags,
    security,
    summary: "Replace the organization's ordered routing rules (first match wins)",
    description:
      "Conditions (ticketCategory, customerCategory, deviceCategory, priority; at least one) combine with AND. A rule " +
      "whose conditions include all of an earlier rule's can never match: it is saved, and named in `warnings`.",
    responses: {
      200: jsonContent(routingRulesResponse, "Replaced; `warnings` names every rule an earlier, broader rule shadows"),
      ...errorResponses(400, 401, { 404: errors.organizationNotFound() }, 413, 415, 500, 503),
    },
  },
  retryJobs: {
    tags,
    security,
    summary: "Re-drive the organization's failed jobs",
    description:
      "Hands failed jobs (categorizations, Slack posts, routing) back to the queue in bounded batches, each ticket's in their " +
      "order, and sets the tickets' `processing` states back to `pending` with them. `more` says whether failed jobs are left.",
    responses: {
      200: jsonContent(retryJobsResponse, "Re-driven"),
      ...errorResponses(400, 401, { 404: errors.organizationNotFound() }, 413, 415, 500, 503),
    },
  },
};
