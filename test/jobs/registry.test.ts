import { describe, expect, it } from "vitest";
import { JOB_KINDS } from "../../src/db/schema";
import { JOB_HANDLERS, type JobHandler, type JobKind } from "../../src/jobs/registry";

describe("the job-kind registry", () => {
  it("has a handler for every job kind the outbox stores, and for no other", () => {
    expect(Object.keys(JOB_HANDLERS).sort()).toEqual([...JOB_KINDS].sort());
  });

  // Checked by `npm run typecheck`: each @ts-expect-error fails it should the line below compile.
  it("does not compile with a kind that has no handler, or a handler that lacks a part", () => {
    // A kind added to JOB_KINDS (here "email") without an entry.
    // @ts-expect-error Property 'email' is missing
    JOB_HANDLERS satisfies Record<JobKind | "email", JobHandler>;
    const { sweep: _sweep, ...routeWithoutSweep } = JOB_HANDLERS.route;
    // @ts-expect-error Property 'sweep' is missing
    ({ ...JOB_HANDLERS, route: routeWithoutSweep }) satisfies Record<JobKind, JobHandler>;
    const { deadLetter: _deadLetter, ...eventWithoutDeadLetter } = JOB_HANDLERS.event;
    // @ts-expect-error Property 'deadLetter' is missing
    ({ ...JOB_HANDLERS, event: eventWithoutDeadLetter }) satisfies Record<JobKind, JobHandler>;
    expect(routeWithoutSweep).not.toHaveProperty("sweep");
  });
});
