import { app } from "./app";
import type { Env } from "./env";

// The queue consumer, the sweeper and the email handler (Drizzle, the job schemas, the classifiers) are loaded by the
// first batch or cron tick that needs them, not by every isolate that only answers HTTP requests.
export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue.startsWith("ticket-intake-webhooks")) {
      const { consumeWebhookBatch } = await import("./webhooks/consumer");
      return consumeWebhookBatch(batch, env);
    }
    const { consumeBatch } = await import("./jobs/consumer");
    await consumeBatch(batch, env);
  },
  // Email Routing's deliveries to the organizations' support addresses (src/email/).
  async email(message, env, ctx) {
    const { receiveEmail } = await import("./email/inbound");
    await receiveEmail(message, env, ctx);
  },
  async scheduled(controller, env) {
    const { sweepOutbox } = await import("./jobs/sweeper");
    await sweepOutbox(env, controller.scheduledTime);
    const { sweepWebhooks } = await import("./webhooks/sweeper");
    await sweepWebhooks(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
