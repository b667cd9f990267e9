import { vi } from "vitest";

export type SlackPost = { url: string; body: any };

type Reply = Response | Error;

/**
 * Intercepts the worker's outbound fetch (it shares the test isolate, so spying on the global
 * reaches it) and plays Slack: records every post and answers with `replies` in order, the last
 * one repeating; an Error is thrown as a network failure. Undone by vi.restoreAllMocks().
 */
export const interceptSlack = (...replies: Reply[]) => {
  const posts: SlackPost[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    posts.push({ url: request.url, body: await request.json() });
    const reply = replies[Math.min(posts.length - 1, replies.length - 1)] ?? new Response("ok");
    if (reply instanceof Error) throw reply;
    return reply.clone();
  });
  return posts;
};

export const slackOk = () => new Response("ok");
