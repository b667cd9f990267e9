import { describe, expect, it } from "vitest";
import { memberKeysInOrder } from "../../src/lib/json-key-order";

describe("memberKeysInOrder", () => {
  it("lists the member's keys as written, integer-like ones included", () => {
    expect(memberKeysInOrder('{"devices":{"b":1,"10":2,"2":3}}', "devices")).toEqual(["b", "10", "2"]);
  });

  it("decodes escaped keys and skips braces and quotes inside strings", () => {
    const text = JSON.stringify({
      other: { devices: { no: 1 } },
      note: '{"devices": {"fake": 1}}',
      devices: { 'a"b': { x: "}" }, "é\\n": [1, { y: 2 }] },
    });
    expect(memberKeysInOrder(text, "devices")).toEqual(['a"b', "é\\n"]);
  });

  it("is undefined when the member is absent or not an object", () => {
    expect(memberKeysInOrder('{"x":{"a":1}}', "devices")).toBeUndefined();
    expect(memberKeysInOrder('{"devices":[{"a":1}]}', "devices")).toBeUndefined();
    expect(memberKeysInOrder('{"devices":"{\\"a\\":1}"}', "devices")).toBeUndefined();
  });

  it("an empty object has no keys", () => {
    expect(memberKeysInOrder('{ "devices" : { } }', "devices")).toEqual([]);
  });

  it("lists a repeated key every time it is written", () => {
    expect(memberKeysInOrder('{"devices":{"a":1,"b":2,"a":3}}', "devices")).toEqual(["a", "b", "a"]);
  });

  it('is "repeated" when the top level names the member twice, whatever the values', () => {
    expect(memberKeysInOrder('{"devices":{"a":1},"devices":{"b":2}}', "devices")).toBe("repeated");
    expect(memberKeysInOrder('{"devices":1,"x":{"devices":{}},"devices":{"b":2}}', "devices")).toBe("repeated");
  });

  it("a member of the same name nested deeper is not a repeat", () => {
    expect(memberKeysInOrder('{"devices":{"a":{"devices":{"x":1}}},"other":{"devices":2}}', "devices")).toEqual(["a"]);
  });
});
