import { sql } from "drizzle-orm";
import { jobs, type JOB_KINDS } from "./schema";

export type JobKind = (typeof JOB_KINDS)[number];

/**
 * What queries and jobs other than a kind's own must know about it: whether it posts to Slack,
 * and where it stands in the order a ticket's posts go out. Kept here, beside the outbox's
 * `kind`, so that src/db reads it without importing the job modules; the job-kind registry
 * (src/jobs/registry.ts) reads it too.
 */
export type JobKindTraits = {
  /**
   * Whether the job is a Slack post: its last error is the ticket's `notificationError`,
   * retryNotification re-drives it, and its dead-lettering leaves a `notification_failed` event.
   */
  slackPost: boolean;
  /**
   * Its place in the order a ticket's Slack posts go out, lower first, jobs of one rank in the
   * order they were written; a job that is no post but that a post waits for comes before that
   * post. null: no post waits for the job.
   */
  postRank: number | null;
  /**
   * The ticket's jobs of these kinds wait for this one: they fail with it when it is
   * dead-lettered, and retrying such a failed post re-drives this one too.
   */
  waitedOnBy: readonly JobKind[];
};

/** Every job kind's traits; a kind missing here does not compile. */
export const JOB_KIND_TRAITS = {
  // Not a post, but the first notification waits for its category (and is sent by it).
  categorize: { slackPost: false, postRank: 0, waitedOnBy: ["notify"] },
  notify: { slackPost: true, postRank: 1, waitedOnBy: [] },
  route: { slackPost: false, postRank: null, waitedOnBy: [] },
  event: { slackPost: true, postRank: 2, waitedOnBy: [] },
  // A Slack post, but about the organization's webhook endpoint, not the ticket: not one of the
  // ticket's posts (notificationError, retryNotification and the post order leave it out).
  webhook_disabled: { slackPost: false, postRank: null, waitedOnBy: [] },
  // An email to the ticket's customer (src/jobs/email.ts), not a Slack post: its failures are the
  // ticket's `email_failed` events, never its notificationError, and no post waits for it.
  email: { slackPost: false, postRank: null, waitedOnBy: [] },
} satisfies Record<JobKind, JobKindTraits>;

const kindsOf = (has: (traits: JobKindTraits) => boolean): JobKind[] =>
  (Object.keys(JOB_KIND_TRAITS) as JobKind[]).filter((kind) => has(JOB_KIND_TRAITS[kind]));

/** The kinds whose jobs post to Slack. */
export const SLACK_POST_KINDS = kindsOf((t) => t.slackPost);

/** The kinds a Slack post waits for (re-driven with a failed post of theirs), each with the posts that wait. */
export const POST_PREREQUISITES = kindsOf((t) => !t.slackPost && t.waitedOnBy.some((k) => JOB_KIND_TRAITS[k].slackPost)).map((kind) => ({
  kind,
  posts: JOB_KIND_TRAITS[kind].waitedOnBy.filter((k) => JOB_KIND_TRAITS[k].slackPost),
}));

/** Kinds as an SQL list of literals (`'notify', 'event'`): a closed set of constants, so no parameters are bound. */
export const kindLiterals = (kinds: readonly JobKind[]) => sql.raw(kinds.map((kind) => `'${kind}'`).join(", "));

/**
 * A job's `postRank` as an SQL expression over `jobs.kind`, for ordering a ticket's jobs the way
 * their posts must reach Slack; jobs no post waits for come last.
 */
export const postRankSql = () => {
  const ranked = (Object.keys(JOB_KIND_TRAITS) as JobKind[]).flatMap((k) => {
    const rank = JOB_KIND_TRAITS[k].postRank;
    return rank === null ? [] : [{ kind: k, rank }];
  });
  const last = Math.max(...ranked.map((r) => r.rank)) + 1;
  return sql`case ${jobs.kind} ${sql.raw(ranked.map((r) => `when '${r.kind}' then ${r.rank}`).join(" "))} else ${sql.raw(String(last))} end`;
};

/**
 * Whether `other`, one of a ticket's jobs, must be done before `job` may post: it ranks
 * before it, or it ranks with it and was written earlier.
 */
export const postsBefore = (
  other: { kind: JobKind; createdAt: string; id: string },
  job: { kind: JobKind; createdAt: string; id: string },
): boolean => {
  const a = JOB_KIND_TRAITS[other.kind].postRank;
  const b = JOB_KIND_TRAITS[job.kind].postRank;
  if (a === null || b === null) return false;
  return a < b || (a === b && (other.createdAt < job.createdAt || (other.createdAt === job.createdAt && other.id < job.id)));
};
