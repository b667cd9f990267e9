// Realistic createTicket bodies, in a fixed rotation so both workers get the same mix:
// a new customer by email, a returning customer by email (different case), a known
// customer by id, and a chat transcript (messages, no description, so one is generated).
const TOPICS = [
  [
    "Cannot log in after password reset",
    "I reset my password an hour ago and the login page keeps saying my credentials are invalid. I tried two browsers and cleared cookies.",
  ],
  [
    "Charged twice for the March invoice",
    "My card statement shows two charges of $49.00 on March 3rd for invoice INV-20391. Please refund the duplicate.",
  ],
  [
    "Export to CSV times out",
    "Exporting the orders report for the last 90 days spins for a minute and then fails with a timeout. Smaller ranges work.",
  ],
  [
    "Webhook deliveries failing with 410",
    "Since yesterday our endpoint receives no webhooks; the dashboard shows 410 Gone for every attempt. Nothing changed on our side.",
  ],
];

const CHAT = [
  { role: "customer", content: "Hi, the mobile app crashes as soon as I open the Settings tab." },
  { role: "bot", content: "Sorry to hear that! Which app version and phone model are you using?" },
  { role: "customer", content: "Version 4.12.1 on a Pixel 7, Android 14. Reinstalling did not help." },
  { role: "bot", content: "Thanks, I am handing this over to a human agent with the details." },
];

export const KNOWN_CUSTOMERS = 200;

export const knownEmail = (i) => `customer${i}@example.com`;

/** The i-th request body; `customerIds` are the seeded customers' ids (for the id path). */
export const bodyFor = (i, customerIds, runTag) => {
  const [title, description] = TOPICS[i % TOPICS.length];
  const known = (i * 7919) % KNOWN_CUSTOMERS;
  switch (i % 4) {
    case 0:
      return { title, description, priority: "high", customerEmail: `new-${runTag}-${i}@example.org` };
    case 1:
      return { title, description, customerEmail: knownEmail(known).toUpperCase(), category: "Billing" };
    case 2:
      return { title, description, priority: "low", customerId: customerIds[known] };
    default:
      return { title: "App crashes on Settings", priority: "urgent", customerEmail: knownEmail(known), messages: CHAT };
  }
};
