type RouteInfo = { method: string; path: string };

const compiled = new WeakMap<readonly RouteInfo[], { pattern: RegExp; method: string }[]>();

const segment = (s: string) => (s.startsWith(":") ? "[^/]+" : s === "*" ? ".*" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

const toPattern = (path: string) => new RegExp(`^${path.split("/").map(segment).join("/")}$`);

/**
 * Methods registered for a path, so an unmatched request can get 405 instead of 404.
 * Compiled once per route table, on the first miss.
 */
export const methodsAllowed = (routes: readonly RouteInfo[], path: string): string[] => {
  let table = compiled.get(routes);
  if (!table) {
    table = routes.filter((r) => r.method !== "ALL").map((r) => ({ method: r.method, pattern: toPattern(r.path) }));
    compiled.set(routes, table);
  }
  const methods = new Set(table.filter((r) => r.pattern.test(path)).map((r) => r.method));
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods];
};
