import { env } from "cloudflare:workers";
import { expect, it, vi } from "vitest";
import { getTicket } from "../support/tickets";
import { localAiRun } from "../support/local-ai";
import { orgWithCategories, ticketAndMessage } from "../support/pipeline";
import { captureSends, runQueue } from "../support/queue";

// Local dev: every AI call fails with "needs to be run remotely" (in tests, test/support/local-ai.ts answers the same).
it("says once per isolate, not per ticket, that the fallback classifier decides because there is no AI", async () => {
  const sends = captureSends();
  const org = await orgWithCategories();
  const warn = vi.spyOn(console, "warn");
  for (let i = 0; i < 3; i++) {
    const { message } = await ticketAndMessage(sends, org.apiKey, { title: `Login error ${i}` });
    await runQueue([message]);
  }
  const lines = warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("fallback classifier decides"));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain("run remotely");
});

// The runtime's local binding would print an uncaught stack trace for every call (test/support/local-ai.ts).
it("no test reaches the runtime's AI binding: the consumer calls the stand-in, and the fallback decides", async () => {
  expect(env.AI!.run).toBe(localAiRun);
  const runtime = vi.spyOn(Object.getPrototypeOf(env.AI), "run");
  const standIn = vi.spyOn(env.AI!, "run");
  const sends = captureSends();
  const org = await orgWithCategories();
  const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Login error after the update" });
  await runQueue([message]);
  expect(standIn).toHaveBeenCalledTimes(1);
  expect(runtime).not.toHaveBeenCalled();
  const ticket = (await getTicket(org.apiKey, id)).json.ticket;
  expect(ticket).toMatchObject({ categorySource: "fallback", processing: { categorization: "done" } });
});
