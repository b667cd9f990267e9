import { defineConfig } from "drizzle-kit";

// Only generates SQL into drizzle/; wrangler applies it (locally and --remote).
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
});
