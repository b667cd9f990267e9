import type { CreateTicketInput } from "./schemas";

type Message = NonNullable<CreateTicketInput["messages"]>[number];

const ROLE_LABEL: Record<Message["role"], string> = { customer: "Customer", agent: "Agent", bot: "Bot" };
const PER_MESSAGE = 500;
const TOTAL = 2_000;

/** `text` cut to `max` characters, an ellipsis marking the cut. */
export const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);

/**
 * A readable description from the conversation ("Customer: …" per line, in order), bounded
 * so a long chat still gives an agent something to read before any AI runs.
 */
export const describeConversation = (messages: readonly Message[]): string => {
  const lines: string[] = [];
  let length = 0;
  for (const m of messages) {
    const line = `${ROLE_LABEL[m.role]}: ${clip(m.content.replace(/\s+/g, " ").trim(), PER_MESSAGE)}`;
    if (length + line.length > TOTAL) {
      lines.push(`… (${messages.length - lines.length} more messages)`);
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join("\n");
};

/** The description to store: the caller's, else one generated from the messages, else null. */
export const resolveDescription = (input: Pick<CreateTicketInput, "description" | "messages">): string | null => {
  const given = input.description?.trim();
  if (given) return input.description!;
  return input.messages?.length ? describeConversation(input.messages) : null;
};
