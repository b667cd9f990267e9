import {
  loadCategorizeContext,
  loadEventContext,
  loadNotifyContext,
  loadRouteContext,
  type BaseJobContext,
  type JobContextLoader,
} from "../db/job-context";
import { JOB_KIND_TRAITS, type JobKind } from "../db/job-kinds";
import type { DeadLetterFailure } from "../db/job-outcomes";
import type { SweepRule } from "../db/outbox-sweep";
import { loadEmailContext } from "../db/email-outbound";
import { runCategorize } from "./categorize";
import { runEmail } from "./email";
import type { PipelineDeps } from "./deps";
import { runEventNotify } from "./event-notify";
import type { JobMessage } from "./messages";
import { runNotify } from "./notify";
import type { JobOutcome } from "./outcome";
import { runRoute } from "./route";
import { loadWebhookDisabledContext, runWebhookDisabled } from "./webhook-disabled";

export type { JobKind };

type RunJob = (deps: PipelineDeps, message: JobMessage, attempts: number) => Promise<JobOutcome>;

/** Everything the pipeline needs to know about one job kind. */
export type JobHandler = {
  /** Reads what the job decides from, in one D1 round trip (its `run` starts with it). */
  load: JobContextLoader<BaseJobContext>;
  /** One delivery of the job's queue message. */
  run: RunJob;
  /** A job that exhausted its retries (src/jobs/dead-letter.ts). */
  deadLetter: {
    /** One last run before the job is marked failed; null for none. */
    lastTry: RunJob | null;
    /** What fails with the job. */
    fails: DeadLetterFailure;
  };
  /** When the sweeper presumes its queue message lost (src/jobs/sweeper.ts). */
  sweep: SweepRule;
};

/**
 * What fails with a dead-lettered job of `kind`: the ticket's `ticketStates`, and what the kind's
 * traits say: the jobs waiting for it, and the event its failure leaves (a Slack post's
 * `notification_failed` unless the kind names another; none for a kind that is no post).
 */
const failing = (
  kind: JobKind,
  ticketStates: DeadLetterFailure["ticketStates"],
  failureEvent: DeadLetterFailure["failureEvent"] = JOB_KIND_TRAITS[kind].slackPost ? "notification_failed" : null,
): DeadLetterFailure => ({
  ticketStates,
  waitingJobs: JOB_KIND_TRAITS[kind].waitedOnBy,
  failureEvent,
});

/**
 * The job kinds (JOB_KINDS, the outbox's `kind`) and how each is run, dead-lettered and swept;
 * whether and in what order each posts to Slack is its traits (JOB_KIND_TRAITS, src/db/job-kinds.ts).
 * The consumer, the dead-letter handler and the sweeper are driven from here, so a new kind is
 * one entry, and a kind missing here, or an entry missing a part, does not compile.
 */
export const JOB_HANDLERS = {
  categorize: {
    load: loadCategorizeContext,
    run: runCategorize,
    deadLetter: {
      // The built-in classifier only (no AI, no retry), so a ticket still gets a category when only the AI path was failing.
      lastTry: (deps, message, attempts) => runCategorize(deps, message, attempts, { useAi: false }),
      // The first notification was waiting for the category: it fails too, so neither state stays pending.
      fails: failing("categorize", ["categorization", "notification"]),
    },
    sweep: "on-write",
  },
  notify: {
    load: loadNotifyContext,
    run: runNotify,
    deadLetter: { lastTry: null, fails: failing("notify", ["notification"]) },
    // Sent by the categorize job when it is done, not by the write that stored it.
    sweep: "after-categorization",
  },
  route: {
    load: loadRouteContext,
    run: runRoute,
    // Route and event jobs leave the ticket's own states alone: those belong to its first pipeline run.
    deadLetter: { lastTry: null, fails: failing("route", []) },
    sweep: "on-write",
  },
  event: {
    load: loadEventContext,
    run: runEventNotify,
    deadLetter: { lastTry: null, fails: failing("event", []) },
    sweep: "on-write",
  },
  webhook_disabled: {
    load: loadWebhookDisabledContext,
    run: runWebhookDisabled,
    deadLetter: { lastTry: null, fails: failing("webhook_disabled", []) },
    sweep: "on-write",
  },
  email: {
    load: loadEmailContext,
    run: runEmail,
    // No last try: sending again is what just failed six times. The customer's email is marked
    // failed on the ticket (`email_failed`), which an agent sees in the ticket's events.
    deadLetter: { lastTry: null, fails: failing("email", [], "email_failed") },
    // Sent by the write that stored it (addMessages, the inbound email handler).
    sweep: "on-write",
  },
} satisfies Record<JobKind, JobHandler>;
