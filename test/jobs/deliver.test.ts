import { beforeEach, describe, expect, it } from "vitest";
import { answer, fakeAi } from "../support/fake-ai";
import { updateTicket } from "../support/lifecycle";
import { orgWithCategories, ticketAndMessage } from "../support/pipeline";
import { captureSends, runQueue } from "../support/queue";
import { interceptSlack, slackOk } from "../support/slack";
import { rows } from "../support/tickets";

const ORG_WEBHOOK = "http://slack.test/services/org";

let sends: ReturnType<typeof captureSends>;
beforeEach(() => {
  sends = captureSends();
});

/** A categorized ticket and the notify message categorization produced for it. */
const categorized = async () => {
  const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
  const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "App crashes" });
  await runQueue([message], { env: { AI: fakeAi(answer("Technical")).binding } });
  const [notify] = sends.take();
  return { org, id, notify: notify! };
};

describe("a copy of a Slack job that loses the claim posts nothing", () => {
  it("two concurrent deliveries of one notify message post once", async () => {
    const { id, notify } = await categorized();
    const posts = interceptSlack(slackOk());
    // One batch: both copies load the job while it is pending, then race to post.
    const result = await runQueue([notify, notify]);
    expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1"]);
    expect(posts).toHaveLength(1);
    // The losing copy comes back after the lease, finds the job settled, and posts nothing.
    const [again] = sends.take();
    expect(again).toMatchObject({ jobId: notify.jobId });
    await runQueue([again!]);
    expect(posts).toHaveLength(1);
    expect(await rows("select type from ticket_events where ticket_id = ? and type like 'notification%'", id)).toEqual([
      { type: "notification_sent" },
    ]);
  });

  it("two concurrent deliveries of one event message post once", async () => {
    const { org, id, notify } = await categorized();
    interceptSlack(slackOk());
    await runQueue([notify]);
    await updateTicket(org.apiKey, { ticketId: id, status: "in_progress" });
    const [event] = sends.take();
    const posts = interceptSlack(slackOk());
    await runQueue([event!, event!]);
    expect(posts).toHaveLength(1);
  });

  it("a delivery that is retried releases its claim, so the retry posts", async () => {
    const { id, notify } = await categorized();
    const posts = interceptSlack({ status: 503, body: "busy" }, slackOk());
    const first = await runQueue([notify]);
    expect(first.retryMessages).toHaveLength(1);
    expect(await rows("select leased_until from jobs where kind = 'notify' and ticket_id = ?", id)).toEqual([{ leased_until: null }]);
    await runQueue([notify], { attempts: 2 });
    expect(posts).toHaveLength(2);
    expect(await rows("select status from jobs where kind = 'notify' and ticket_id = ?", id)).toEqual([{ status: "done" }]);
  });
});
