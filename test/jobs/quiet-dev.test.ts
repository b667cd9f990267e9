import { expect, it, vi } from "vitest";
import { orgWithCategories, ticketAndMessage } from "../support/pipeline";
import { captureSends, runQueue } from "../support/queue";

// Local dev: the runtime's AI binding throws "needs to be run remotely" for every ticket.
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
