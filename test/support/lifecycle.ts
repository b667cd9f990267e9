import { call } from "./http";
import { createUndispatched } from "./counting";

export const UPDATE = "/api/ext-v1/ticket/updateTicket";
export const ADD_MESSAGES = "/api/ext-v1/ticket/addMessages";
export const eventsPath = (id: string, query = "") => `/api/ext-v1/ticket/getTicketEvents/${id}${query}` as const;

export const updateTicket = (key: string, body: unknown) => call("POST", UPDATE, { key, body });
export const addMessages = (key: string, body: unknown, headers?: Record<string, string>) =>
  call("POST", ADD_MESSAGES, { key, body, headers });

export type EventView = {
  id: string;
  type: string;
  actor: { type: string; keyPrefix?: string };
  data: Record<string, unknown>;
  createdAt: string;
};

/** Every event of a ticket, oldest first (one page of 100). */
export const eventsOf = async (key: string, id: string): Promise<EventView[]> => {
  const res = await call("GET", eventsPath(id, "?limit=100"), { key });
  if (res.status !== 200) throw new Error(`getTicketEvents failed: ${res.status} ${res.text}`);
  return res.json.events;
};

/** A ticket as createTicket stored it, its queue send captured so no consumer changes it meanwhile. */
export const storedTicket = async (key: string, body: Record<string, unknown> = {}) => {
  const res = await createUndispatched(key, { title: "Printer jam", customerEmail: "pat@example.com", ...body });
  if (res.status !== 200) throw new Error(`createTicket failed: ${res.status}`);
  return res.json.ticketId;
};
