import { defineConfig } from "drizzle-kit";

// Only generates SQL into drizzle/; wrangler applies it (locally and --remote).
export default defineConfig({
  dialect: "sqlite",
  schema: ["./src/db/schema.ts", "./src/db/webhook-schema.ts", "./src/db/email-schema.ts"],
  out: "./drizzle",
});
