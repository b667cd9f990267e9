// The floor: the least a worker can do and still give createTicket's durability promise.
// One D1 batch stores the customer, the ticket, its messages and the outbox rows the
// contract requires before answering; one queue send. No framework, validation or auth:
// whatever ticket-intake costs above this is the price of its router, schemas and checks.
const ORG_ID = "bench-org";

const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

export default {
  async fetch(request, env) {
    const body = await request.json();
    const now = new Date().toISOString();
    const ticketId = crypto.randomUUID();
    const statements = [];

    let customerSql = "?";
    const customerArgs = [body.customerId];
    if (!body.customerId) {
      const emailLower = body.customerEmail.toLowerCase();
      statements.push(
        env.DB.prepare(
          `insert into customers (id, organization_id, email, email_lower, categories, created_at, updated_at)
           values (?, ?, ?, ?, '[]', ?, ?) on conflict (organization_id, email_lower) do nothing`,
        ).bind(crypto.randomUUID(), ORG_ID, body.customerEmail, emailLower, now, now),
      );
      customerSql = "(select id from customers where organization_id = ? and email_lower = ?)";
      customerArgs.splice(0, 1, ORG_ID, emailLower);
    }
    statements.push(
      env.DB.prepare(
        `insert into tickets (id, organization_id, customer_id, title, description, priority, status,
           categorization, notification, created_at, updated_at)
         values (?, ?, ${customerSql}, ?, ?, ?, 'open', 'pending', 'pending', ?, ?)`,
      ).bind(ticketId, ORG_ID, ...customerArgs, body.title, body.description ?? null, body.priority ?? "medium", now, now),
    );

    const messages = body.messages ?? [];
    if (messages.length > 0) {
      statements.push(
        env.DB.prepare(
          `insert into ticket_messages (ticket_id, position, role, content) values ${messages.map(() => "(?, ?, ?, ?)").join(", ")}`,
        ).bind(...messages.flatMap((m, i) => [ticketId, i, m.role, m.content])),
      );
    }

    const categorizeId = crypto.randomUUID();
    statements.push(
      env.DB.prepare(
        `insert into jobs (id, organization_id, ticket_id, kind, status, attempts, enqueued_at, created_at, updated_at)
         values (?, ?, ?, 'categorize', 'pending', 0, ?, ?, ?), (?, ?, ?, 'notify', 'pending', 0, null, ?, ?)`,
      ).bind(categorizeId, ORG_ID, ticketId, now, now, now, crypto.randomUUID(), ORG_ID, ticketId, now, now),
    );

    await env.DB.batch(statements);
    await env.JOBS.send({ jobId: categorizeId, kind: "categorize", ticketId }, { contentType: "json" });
    return json({ success: true, ticketId, message: "Ticket created successfully" });
  },
};
