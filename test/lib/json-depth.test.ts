import { describe, expect, it } from "vitest";
import { nestsWithin } from "../../src/lib/json-depth";

describe("nestsWithin", () => {
  it("counts each object or array as a level, and primitives as none", () => {
    expect(nestsWithin("text", 0)).toBe(true);
    expect(nestsWithin({}, 1)).toBe(true);
    expect(nestsWithin({ a: [1, { b: null }] }, 3)).toBe(true);
    expect(nestsWithin({ a: [1, { b: null }] }, 2)).toBe(false);
  });

  it("finds the deepest branch whichever member it is", () => {
    expect(nestsWithin({ shallow: 1, deep: { x: { y: {} } }, other: [] }, 3)).toBe(false);
    expect(nestsWithin([[], [[[]]], []], 3)).toBe(false);
  });

  it("measures a value far deeper than the call stack allows recursion without overflowing", () => {
    let value: unknown = {};
    for (let i = 0; i < 200_000; i++) value = { a: value };
    expect(nestsWithin(value, 100)).toBe(false);
  });
});
