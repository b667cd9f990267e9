import { textGenerator, type TextGenerator } from "../ai/binding";
import { createDb, type Db } from "../db/client";
import { shardD1 } from "../db/shards";
import type { Env } from "../env";
import { sendEmailMailer, type Mailer } from "../email/mailer";
import { createPacer, type Pacer } from "../slack/pacer";
import type { JobMessage } from "./messages";

export const DEFAULT_AI_MODEL = "@cf/meta/llama-3.1-8b-instruct-fast";

/** What the pipeline jobs use from the environment, gathered once per batch. */
export type PipelineDeps = {
  /** The shard of this batch's jobs (a batch's messages are handled per shard), and its database. */
  shard: number;
  db: Db;
  queue: Queue<JobMessage>;
  ai: TextGenerator | undefined;
  aiModel: string;
  allowedWebhookOrigins: string | undefined;
  /** Paces Slack posts per webhook within this invocation. */
  slackPacer: Pacer;
  random: () => number;
  /** Sends the email jobs' messages (the send_email binding; tests keep the bytes instead). */
  mailer: Mailer;
  /**
   * Organizations whose jobs in this batch may have written events with webhook deliveries: the
   * consumer sends each one dispatch message after the batch (see `noteWebhooks`), on its shard.
   */
  webhookOrgs: Map<string, number>;
};

/** Notes the job's organization for the batch's webhook dispatch when it has an enabled endpoint. */
export const noteWebhooks = (deps: PipelineDeps, ticket: { organizationId: string; webhooks: number }) => {
  if (ticket.webhooks) deps.webhookOrgs.set(ticket.organizationId, deps.shard);
};

/**
 * The dependencies for shard `shard`'s jobs. `shared` (the consumer's) lets one batch's shards share
 * its Slack pacer and its webhook dispatch list, so pacing holds across shards.
 */
export const pipelineDeps = (env: Env, shard = 0, shared?: Pick<PipelineDeps, "slackPacer" | "webhookOrgs">): PipelineDeps => ({
  shard,
  db: createDb(shardD1(env, shard)),
  queue: env.JOBS,
  ai: textGenerator(env.AI),
  aiModel: env.AI_MODEL || DEFAULT_AI_MODEL,
  allowedWebhookOrigins: env.SLACK_WEBHOOK_ALLOWED_ORIGINS,
  slackPacer: shared?.slackPacer ?? createPacer(Number(env.SLACK_MIN_INTERVAL_MS)),
  random: Math.random,
  mailer: sendEmailMailer(env.SEND_EMAIL),
  webhookOrgs: shared?.webhookOrgs ?? new Map(),
});
