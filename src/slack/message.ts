import { escapeSlack, escapeWithin } from "./escape";

/** Slack's documented limits for the blocks we send. */
export const SLACK_LIMITS = { header: 150, field: 2000, section: 3000, context: 2000, text: 3000 } as const;

export type TicketNotice = {
  id: string;
  title: string;
  description: string | null;
  priority: string;
  status: string;
  category: string | null;
  categorySource: string | null;
  assignee: string | null;
  customerEmail: string;
  deviceIdentifier: string | null;
  firstCustomerMessage: string | null;
  createdAt: string;
};

const MESSAGE_LABEL = "*First customer message*\n";

// verbatim: Slack would otherwise turn bare URLs and #channel names in the text into links.
const mrkdwn = (text: string) => ({ type: "mrkdwn" as const, text, verbatim: true });

const field = (label: string, value: string | null) =>
  mrkdwn(`*${label}*\n${value ? escapeWithin(value, SLACK_LIMITS.field - label.length - 3) : "_none_"}`);

/**
 * The incoming-webhook body for a new ticket: Block Kit blocks plus a plain `text` fallback for
 * notifications and old clients. Every piece of user or operator text is escaped and clipped to
 * Slack's limits and marked verbatim, so no ticket can mention, ping or link, or make Slack reject
 * the message.
 */
export const ticketMessage = (t: TicketNotice) => {
  const quote = t.firstCustomerMessage ?? t.description;
  const categoryLine = t.category ? `${t.category}${t.categorySource ? ` (${t.categorySource})` : ""}` : null;
  return {
    // The fallback cannot be verbatim, so it carries no user text at all.
    text: `New ${escapeSlack(t.priority)} ticket ${escapeSlack(t.id)}`,
    unfurl_links: false,
    unfurl_media: false,
    blocks: [
      { type: "header", text: { type: "plain_text", text: escapeWithin(t.title, SLACK_LIMITS.header), emoji: false } },
      {
        type: "section",
        fields: [
          field("Priority", t.priority),
          field("Category", categoryLine),
          field("Assignee", t.assignee),
          field("Customer", t.customerEmail),
          ...(t.deviceIdentifier ? [field("Device", t.deviceIdentifier)] : []),
          field("Ticket ID", t.id),
        ],
      },
      ...(quote
        ? [
            {
              type: "section",
              text: mrkdwn(MESSAGE_LABEL + escapeWithin(quote, SLACK_LIMITS.section - MESSAGE_LABEL.length)),
            },
          ]
        : []),
      {
        type: "context",
        elements: [mrkdwn(`Status ${escapeSlack(t.status)} · created ${escapeSlack(t.createdAt)} · ticket-intake`)],
      },
    ],
  };
};

export type SlackMessage = ReturnType<typeof ticketMessage>;
