// The HTTP baseline for the CPU pass: reads the body and answers a constant 200, so the
// runtime's own cost per request (sockets, HTTP parsing, dispatch) can be subtracted.
export default {
  async fetch(request) {
    await request.text();
    return new Response('{"success":true,"ticketId":"x","message":"Ticket created successfully"}', {
      headers: { "content-type": "application/json" },
    });
  },
};
