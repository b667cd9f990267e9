import { vi } from "vitest";

export type SlackPost = { url: string; body: any };

/** Slack's answer; built afresh per call, since a Response made in a test cannot cross into the consumer's request. */
export type Reply = { status?: number; body?: string; headers?: Record<string, string> } | Error;

/**
 * Intercepts the worker's outbound fetch (it shares the test isolate, so spying on the global
 * reaches it) and plays Slack: records every post and answers with `replies` in order, the last
 * one repeating; an Error is thrown as a network failure. Undone after each test (restoreMocks in vitest.config.ts).
 */
export const interceptSlack = (...replies: Reply[]) => {
  const posts: SlackPost[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    posts.push({ url: request.url, body: await request.json() });
    const reply = replies[Math.min(posts.length - 1, replies.length - 1)] ?? slackOk();
    if (reply instanceof Error) throw reply;
    return new Response(reply.body ?? "ok", { status: reply.status ?? 200, headers: reply.headers });
  });
  return posts;
};

export const slackOk = (): Reply => ({ status: 200, body: "ok" });
