import { expect } from "vitest";
import { ERROR_CATALOGUE, type ErrorCode } from "../../src/http/errors";

/** Every status createTicket may answer with, per the contract. */
export const CREATE_STATUSES = [200, 400, 401, 404, 413, 415, 422, 429];

type Answer = { status: number; headers: Headers; json: any; text: string };

/**
 * What a caller may rely on for any answer: a documented status, an x-request-id, and for
 * errors exactly the contract's body (success false, a message, a catalogue code of that status,
 * optional issues with paths).
 */
export const expectContractAnswer = (res: Answer, context: unknown) => {
  const where = `${res.status} ${res.text.slice(0, 300)}\nfor ${JSON.stringify(context)?.slice(0, 300)}`;
  expect(CREATE_STATUSES, where).toContain(res.status);
  expect(res.headers.get("x-request-id"), where).toBeTruthy();
  if (res.status === 200) return;
  expect(res.json, where).toMatchObject({ success: false, error: expect.any(String) });
  expect(
    Object.keys(res.json).every((k) => ["success", "error", "code", "issues"].includes(k)),
    where,
  ).toBe(true);
  expect(Object.keys(ERROR_CATALOGUE), where).toContain(res.json.code);
  expect(ERROR_CATALOGUE[res.json.code as ErrorCode].status, where).toBe(res.status);
  if (res.json.issues !== undefined) {
    expect(res.json.issues.length, where).toBeGreaterThan(0);
    for (const issue of res.json.issues) {
      expect(issue, where).toEqual({ path: expect.any(String), message: expect.any(String) });
    }
  }
  // A 4xx never leaks internals.
  expect(res.text, where).not.toMatch(/SQLITE|D1_ERROR|at .+\.(ts|js):\d+/);
};
