import { app } from "./app";
import type { Env } from "./env";
import { consumeBatch } from "./jobs/consumer";
import { sweepOutbox } from "./jobs/sweeper";

export default {
  fetch: app.fetch,
  queue: consumeBatch,
  async scheduled(controller, env) {
    await sweepOutbox(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
