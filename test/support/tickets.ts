import { env } from "cloudflare:workers";
import { call } from "./http";

export const CREATE = "/api/ext-v1/ticket/createTicket";

export const createTicket = (key: string, body: unknown, headers?: Record<string, string>) => call("POST", CREATE, { key, body, headers });

export const getTicket = (key: string, id: string) => call("GET", `/api/ext-v1/ticket/getTicket/${id}`, { key });

/** Creates a ticket and fails loudly unless it was accepted; returns its id. */
export const newTicket = async (key: string, body: Record<string, unknown>) => {
  const res = await createTicket(key, { customerEmail: "someone@example.com", ...body });
  if (res.status !== 200) throw new Error(`createTicket failed: ${res.status} ${res.text}`);
  return res.json.ticketId;
};

export const rows = async <T = Record<string, unknown>>(query: string, ...params: unknown[]) =>
  (
    await env.DB.prepare(query)
      .bind(...params)
      .all<T>()
  ).results;
