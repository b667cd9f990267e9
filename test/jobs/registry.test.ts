import { describe, expect, it } from "vitest";
import { JOB_KIND_TRAITS, POST_PREREQUISITES, postsBefore, SLACK_POST_KINDS, type JobKindTraits } from "../../src/db/job-kinds";
import { JOB_KINDS } from "../../src/db/schema";
import { JOB_HANDLERS, type JobHandler, type JobKind } from "../../src/jobs/registry";

describe("the job-kind registry", () => {
  it("has a handler for every job kind the outbox stores, and for no other", () => {
    expect(Object.keys(JOB_HANDLERS).sort()).toEqual([...JOB_KINDS].sort());
  });

  // Checked by `npm run typecheck`: each @ts-expect-error fails it should the line below compile.
  it("does not compile with a kind that has no handler, or a handler that lacks a part", () => {
    // A kind added to JOB_KINDS (here "sms") without an entry.
    // @ts-expect-error Property 'sms' is missing
    JOB_HANDLERS satisfies Record<JobKind | "sms", JobHandler>;
    const { sweep: _sweep, ...routeWithoutSweep } = JOB_HANDLERS.route;
    // @ts-expect-error Property 'sweep' is missing
    ({ ...JOB_HANDLERS, route: routeWithoutSweep }) satisfies Record<JobKind, JobHandler>;
    const { deadLetter: _deadLetter, ...eventWithoutDeadLetter } = JOB_HANDLERS.event;
    // @ts-expect-error Property 'deadLetter' is missing
    ({ ...JOB_HANDLERS, event: eventWithoutDeadLetter }) satisfies Record<JobKind, JobHandler>;
    expect(routeWithoutSweep).not.toHaveProperty("sweep");
  });
});

describe("the job kinds' traits", () => {
  it("has traits for every job kind the outbox stores, and for no other", () => {
    expect(Object.keys(JOB_KIND_TRAITS).sort()).toEqual([...JOB_KINDS].sort());
  });

  // Checked by `npm run typecheck`, as above.
  it("does not compile with a kind that has no traits, or traits that lack a part", () => {
    // @ts-expect-error Property 'sms' is missing
    JOB_KIND_TRAITS satisfies Record<JobKind | "sms", JobKindTraits>;
    const { postRank: _postRank, ...eventWithoutRank } = JOB_KIND_TRAITS.event;
    // @ts-expect-error Property 'postRank' is missing
    ({ ...JOB_KIND_TRAITS, event: eventWithoutRank }) satisfies Record<JobKind, JobKindTraits>;
    expect(eventWithoutRank).not.toHaveProperty("postRank");
  });

  it("makes the first notification and event jobs the Slack posts, and categorization what a failed first notification's retry re-drives", () => {
    expect(SLACK_POST_KINDS).toEqual(["notify", "event"]);
    expect(POST_PREREQUISITES).toEqual([{ kind: "categorize", posts: ["notify"] }]);
  });

  it("agrees with the registry on which dead-lettered jobs are posts and which jobs wait for which", () => {
    for (const kind of JOB_KINDS) {
      const { fails } = JOB_HANDLERS[kind].deadLetter;
      expect({ kind, post: fails.failureEvent === "notification_failed", waitingJobs: fails.waitingJobs }).toEqual({
        kind,
        post: SLACK_POST_KINDS.includes(kind),
        waitingJobs: JOB_KIND_TRAITS[kind].waitedOnBy,
      });
    }
  });

  it("leaves an email_failed event for a dead-lettered email, and no event for the kinds that are neither posts nor emails", () => {
    const events = Object.fromEntries(JOB_KINDS.map((kind) => [kind, JOB_HANDLERS[kind].deadLetter.fails.failureEvent]));
    expect(events).toEqual({
      categorize: null,
      notify: "notification_failed",
      route: null,
      event: "notification_failed",
      webhook_disabled: null,
      email: "email_failed",
    });
  });

  it("makes the jobs swept after categorization exactly those that wait for the categorize job", () => {
    const sweptAfterCategorization = JOB_KINDS.filter((kind) => JOB_HANDLERS[kind].sweep === "after-categorization");
    expect(sweptAfterCategorization).toEqual(JOB_KIND_TRAITS.categorize.waitedOnBy);
  });

  it("orders a ticket's posts: categorization, the first notification, then events as written; route jobs outside it", () => {
    const job = (kind: JobKind, createdAt: string, id: string) => ({ kind, createdAt, id });
    const sequence = [
      job("categorize", "2026-01-01T00:00:00.000Z", "a"),
      job("notify", "2026-01-01T00:00:00.000Z", "b"),
      job("event", "2026-01-01T00:00:01.000Z", "d"),
      job("event", "2026-01-01T00:00:01.000Z", "e"),
      job("event", "2026-01-01T00:00:02.000Z", "c"),
    ];
    sequence.forEach((later, i) => {
      for (const earlier of sequence.slice(0, i)) {
        expect([earlier, later, postsBefore(earlier, later), postsBefore(later, earlier)]).toEqual([earlier, later, true, false]);
      }
    });
    const route = job("route", "2026-01-01T00:00:00.000Z", "0");
    expect(sequence.flatMap((other) => [postsBefore(route, other), postsBefore(other, route)])).not.toContain(true);
  });
});
