import type { Router } from "./router";

/**
 * Every resource router, each loaded (a dynamic import: esbuild keeps it in the one bundle but
 * evaluates it only when called) by the first request for one of its operations. The names are
 * what src/api/operations.ts refers to.
 */
export const ROUTERS = {
  health: () => import("./health").then((m) => m.healthApi),
  tickets: () => import("./tickets").then((m) => m.ticketsApi),
  ticketLifecycle: () => import("./ticket-lifecycle").then((m) => m.ticketLifecycleApi),
  customers: () => import("./customers").then((m) => m.customersApi),
  devices: () => import("./devices").then((m) => m.devicesApi),
  deviceAssignments: () => import("./device-assignments").then((m) => m.deviceAssignmentsApi),
  webhooks: () => import("./webhooks").then((m) => m.webhooksApi),
  admin: () => import("./admin").then((m) => m.adminApi),
  reference: () => import("./openapi").then((m) => m.referenceApi),
} satisfies Record<string, () => Promise<Router>>;

export type RouterName = keyof typeof ROUTERS;

/** One row of the app's operation table. */
export type Operation = { router: RouterName; operationId: string; method: string; path: string };

/** The operation table as the routers register it, in order (what src/api/operations.ts must hold). */
export const registeredOperations = async (): Promise<Operation[]> => {
  const out: Operation[] = [];
  // One after the other, so the order does not depend on how module loading interleaves.
  for (const [router, load] of Object.entries(ROUTERS) as [RouterName, (typeof ROUTERS)[RouterName]][]) {
    for (const { operationId, method, path } of (await load()).routes) out.push({ router, operationId, method, path });
  }
  return out;
};
