import { describe, expect, it } from "vitest";
import { createPacer } from "../../src/slack/pacer";

describe("createPacer", () => {
  it("spaces posts to one webhook by the interval, and leaves other webhooks alone", () => {
    let now = 1_000;
    const pacer = createPacer(1_000, () => now);
    expect(pacer.reserve("a", 3_000)).toBe(0);
    expect(pacer.reserve("a", 3_000)).toBe(1_000);
    expect(pacer.reserve("a", 3_000)).toBe(2_000);
    expect(pacer.reserve("b", 3_000)).toBe(0);
    now += 2_500;
    expect(pacer.reserve("a", 3_000)).toBe(500);
  });

  it("does not take a slot it would wait too long for", () => {
    const pacer = createPacer(1_000, () => 0);
    pacer.reserve("a", 0);
    expect(pacer.reserve("a", 500)).toBe(1_000);
    // Not taken: the next caller is offered the same slot.
    expect(pacer.reserve("a", 5_000)).toBe(1_000);
  });

  it("holds a webhook for its Retry-After", () => {
    let now = 0;
    const pacer = createPacer(1_000, () => now);
    pacer.block("a", 30_000);
    expect(pacer.reserve("a", 3_000)).toBe(30_000);
    now = 30_000;
    expect(pacer.reserve("a", 3_000)).toBe(0);
  });
});

describe("createPacer: blockedFor", () => {
  it("says how long a Retry-After still holds a webhook", () => {
    let now = 0;
    const pacer = createPacer(1_000, () => now);
    expect(pacer.blockedFor("a")).toBe(0);
    pacer.block("a", 5_000);
    now = 2_000;
    expect(pacer.blockedFor("a")).toBe(3_000);
    expect(pacer.blockedFor("b")).toBe(0);
  });
});
