// Copies Swagger UI's standalone bundle from node_modules into the static-assets directory that
// serves /docs. Generated rather than committed (about 2 MB); `npm test`, `npm run dev` and
// `npm run deploy` run it first. Static assets stay out of the worker bundle.
import { copyFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"];

const source = createRequire(import.meta.url)("swagger-ui-dist").getAbsoluteFSPath();
const target = fileURLToPath(new URL("../public/docs/", import.meta.url));

await mkdir(target, { recursive: true });
await Promise.all(FILES.map((f) => copyFile(join(source, f), join(target, f))));
