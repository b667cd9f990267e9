import { escapeSlack, escapeWithin } from "./escape";
import { SLACK_LIMITS } from "./message";

/** A reply is quoted up to this many characters: enough to triage from Slack, short enough to read. */
export const REPLY_QUOTE = 1_000;

export type TicketRef = { id: string; title: string; customerEmail: string; status: string };

export type EventNotice =
  | { kind: "reply"; count: number; reply: string | null; reopenedFrom: string | null }
  | { kind: "status"; from: string; to: string; by: string };

// verbatim: Slack would otherwise turn bare URLs and #channel names in the text into links.
const mrkdwn = (text: string) => ({ type: "mrkdwn" as const, text, verbatim: true });

const headline = (e: EventNotice) =>
  e.kind === "reply"
    ? `*Customer replied*${e.reopenedFrom ? ` · reopened (${escapeSlack(e.reopenedFrom)} → open)` : ""}`
    : `*Status changed* · ${escapeSlack(e.from)} → ${escapeSlack(e.to)} by ${escapeSlack(e.by)}`;

/**
 * The incoming-webhook body for a ticket event: a customer reply (its text quoted, clipped and
 * escaped) or a status change (from → to, and by whom). Same rules as the new-ticket message:
 * every piece of user text escaped and clipped to Slack's limits and marked verbatim, unfurling
 * off, and no user text in the plain `text` fallback, which cannot be verbatim.
 */
export const eventMessage = (t: TicketRef, e: EventNotice) => {
  const body =
    headline(e) + (e.kind === "reply" && e.reply ? `\n${escapeWithin(e.reply, Math.min(REPLY_QUOTE, SLACK_LIMITS.section - 200))}` : "");
  return {
    text:
      e.kind === "reply"
        ? `Customer replied on ticket ${escapeSlack(t.id)}`
        : `Ticket ${escapeSlack(t.id)}: ${escapeSlack(e.from)} → ${escapeSlack(e.to)}`,
    unfurl_links: false,
    unfurl_media: false,
    blocks: [
      { type: "header", text: { type: "plain_text", text: escapeWithin(t.title, SLACK_LIMITS.header), emoji: false } },
      { type: "section", text: mrkdwn(body) },
      {
        type: "context",
        elements: [
          mrkdwn(`Ticket ${escapeSlack(t.id)} · ${escapeWithin(t.customerEmail, 300)} · status ${escapeSlack(t.status)} · ticket-intake`),
        ],
      },
    ],
  };
};
