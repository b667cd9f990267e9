import { rows } from "./tickets";
import { createOrg, setCategories, type CategorySpec } from "./orgs";
import { newTicket } from "./tickets";
import type { captureSends } from "./queue";

/** The categories most pipeline tests use; the comments say which the AI may choose from. */
export const CATEGORIES: CategorySpec[] = [
  { name: "Billing", description: "Invoices, charges, refunds and payment methods" },
  { name: "Technical", description: "Errors, crashes, login failures and other bugs in the app" },
  { name: "Spam", description: "Unsolicited advertising and junk", autoResolve: true },
  { name: "VIP", appliesTo: "customer" }, // customers only
  { name: "Legacy", description: "Invoices from the old system", active: false }, // inactive
  { name: "Internal", description: "Set by agents by hand", aiEnabled: false }, // not for AI
];

export const AI_CHOICES = ["Billing", "Technical", "Spam", "none"];

export const orgWithCategories = async (opts: { slackWebhookUrl?: string; shard?: number } = {}) => {
  const org = await createOrg(opts);
  await setCategories(org.id, CATEGORIES);
  return org;
};

/** Creates a ticket over HTTP and returns it with the queue message createTicket sent for it. */
export const ticketAndMessage = async (sends: ReturnType<typeof captureSends>, apiKey: string, body: Record<string, unknown>) => {
  const id = await newTicket(apiKey, body);
  const sent = sends.take();
  if (sent.length !== 1) throw new Error(`expected one queue message, got ${sent.length}`);
  return { id, message: sent[0]! };
};

type JobRow = {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  last_error: string | null;
  enqueued_at: string | null;
  webhook_url: string | null;
};

export const jobsOf = async (ticketId: string) => {
  const list = await rows<JobRow>(
    "select id, kind, status, attempts, last_error, enqueued_at, webhook_url from jobs where ticket_id = ? order by kind",
    ticketId,
  );
  return { categorize: list.find((j) => j.kind === "categorize")!, notify: list.find((j) => j.kind === "notify")! };
};

/** Customer categories are set by the customer API; here straight in D1, as the pipeline reads them. */
export const setCustomerCategories = (organizationId: string, email: string, categories: string[]) =>
  rows(
    "update customers set categories = ? where organization_id = ? and email_lower = ?",
    JSON.stringify(categories),
    organizationId,
    email.toLowerCase(),
  );
