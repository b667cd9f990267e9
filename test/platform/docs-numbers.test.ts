import { describe, expect, it } from "vitest";
import architectureMd from "../../ARCHITECTURE.md?raw";
import readmeMd from "../../README.md?raw";
import { MAX_TERMS } from "../../src/ai/terms";
import { MAX_LISTED_DEVICES } from "../../src/db/customers";
import { REDRIVE_BATCH } from "../../src/db/job-retry";
import { MAX_TICKET_MESSAGES } from "../../src/db/ticket-add-messages";
import { CREATE_TICKET_VARIANTS, createTicketPlan } from "../../src/db/ticket-create";
import { REFERENCES_LATEST } from "../../src/db/email-outbound";
import { EMAIL_LEASE_MS } from "../../src/jobs/email";
import { ACKNOWLEDGEMENTS_PER_ORGANIZATION_PER_HOUR, NEW_TICKETS_PER_SENDER_PER_HOUR } from "../../src/db/email-inbound";
import { EMAIL_LIMITS, formatBytes } from "../../src/email/parse";
import { DIRECTORY_ENTRIES, DIRECTORY_TTL_MS } from "../../src/email/directory";
import { STALE_AFTER_MS, SWEEP } from "../../src/jobs/sweeper";

// Numbers that matter live in code; prose that states one is checked against it here, and counts
// that follow from the code's structure (how many statements a batch has) are not stated at all.
const flat = (text: string) => text.replaceAll(/\s+/g, " ");
const docs = { "README.md": flat(readmeMd), "ARCHITECTURE.md": flat(architectureMd) };
const n = (value: number) => value.toLocaleString("en-US");

describe("README.md and ARCHITECTURE.md", () => {
  it.each(Object.entries(docs))("%s states no count of a batch's statements, shapes or reads", (_, text) => {
    expect(text.match(/\b\d+(?:–\d+)? (?:small )?(?:shapes|variants|statements|reads)\b|\b\d+(?:–\d+)? in one batch/g) ?? []).toEqual([]);
  });

  it("ARCHITECTURE.md's request-path diagram names createTicket's statements, in batch order", () => {
    const diagram = architectureMd.slice(architectureMd.indexOf("ONE D1 batch"), architectureMd.indexOf("outcome ──"));
    const named = [...diagram.matchAll(/^ {2}│ {3}([a-zA-Z]+) /gm)].map((m) => m[1]);
    const plans = CREATE_TICKET_VARIANTS.map((variant) => Object.keys(createTicketPlan(variant)));
    const fullest = plans.reduce((a, b) => (b.length > a.length ? b : a));
    // One variant runs every statement any variant runs, so its order is the batch order.
    expect(new Set(plans.flat())).toEqual(new Set(fullest));
    expect(named).toEqual(fullest);
  });

  it.each([
    ["ARCHITECTURE.md", `a ticket holds at most ${n(MAX_TICKET_MESSAGES)} messages`],
    ["README.md", `a ticket holds at most ${n(MAX_TICKET_MESSAGES)})`],
    ["ARCHITECTURE.md", `lists at most ${n(MAX_LISTED_DEVICES)} identifiers`],
    ["ARCHITECTURE.md", `at most ${MAX_TERMS} terms`],
    ["ARCHITECTURE.md", `failed jobs pending again in one batch (≤${REDRIVE_BATCH} a round)`],
    ["ARCHITECTURE.md", `pending > ${STALE_AFTER_MS / 60_000} min without a live`],
    ["ARCHITECTURE.md", `the thread's Message-IDs (its first, its latest ${REFERENCES_LATEST}, its latest received`],
    ["ARCHITECTURE.md", `References the thread's first Message-ID and its latest ${REFERENCES_LATEST},`],
    ["ARCHITECTURE.md", `claimed (a lease of ${EMAIL_LEASE_MS / 1000} s,`],
    ["README.md", `acknowledges at most ${ACKNOWLEDGEMENTS_PER_ORGANIZATION_PER_HOUR} new tickets an hour`],
    ["README.md", `a sender's ${NEW_TICKETS_PER_SENDER_PER_HOUR + 1}st new ticket within an hour`],
    ["README.md", `(at most ${EMAIL_LIMITS.attachments} per mail, ${formatBytes(EMAIL_LIMITS.attachmentBytes)} each;`],
    ["README.md", `mail over ${formatBytes(EMAIL_LIMITS.rawBytes)}, unparseable`],
    ["README.md", `holds the most messages (${n(MAX_TICKET_MESSAGES)})`],
    ["ARCHITECTURE.md", `More than ${NEW_TICKETS_PER_SENDER_PER_HOUR} new tickets`],
    ["ARCHITECTURE.md", `cached per isolate for ${DIRECTORY_TTL_MS / 1000} s, at most ${n(DIRECTORY_ENTRIES)} addresses`],
    [
      "ARCHITECTURE.md",
      `(≤${n(SWEEP.claimPerRound)} a round), purge expired idempotency records (≤${n(SWEEP.purgePerRound)} a round), ≤${SWEEP.maxRounds} rounds`,
    ],
    [
      "ARCHITECTURE.md",
      `| 1–${SWEEP.maxRounds} | one claim + purge batch per round | ≤${n(SWEEP.claimPerRound)} jobs, ≤${n(SWEEP.purgePerRound)} deletions per round |`,
    ],
    ["README.md", `up to ${n(SWEEP.claimPerRound)} a round in \`sendBatch\` calls of ${SWEEP.sendBatch}`],
    ["README.md", `up to ${n(SWEEP.purgePerRound)} expired \`idempotency_keys\` a round`],
    [
      "README.md",
      `after ${SWEEP.maxRounds} rounds (${n(SWEEP.claimPerRound * SWEEP.maxRounds)} re-sends and ${n(SWEEP.purgePerRound * SWEEP.maxRounds)} purges a minute`,
    ],
    [
      "ARCHITECTURE.md",
      `at most ${SWEEP.maxRounds} rounds: ${n(SWEEP.claimPerRound * SWEEP.maxRounds)} re-sends and ${n(SWEEP.purgePerRound * SWEEP.maxRounds)} purges a minute`,
    ],
  ] as const)("%s says %j, as the code has it", (doc, phrase) => {
    expect(docs[doc]).toContain(phrase);
  });
});
