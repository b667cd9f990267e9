/**
 * An envelope recipient as the organization's support address and its `+tag`: `Support+Abc@Acme.example`
 * is the address `support@acme.example` with the tag `abc` (a ticket's reply token, or any tag a
 * customer made up, which then means nothing). Lower-cased: mail systems treat the local part
 * case-insensitively in practice, and so do the stored addresses.
 */
export const splitRecipient = (recipient: string): { address: string; tag: string | null } => {
  const lower = recipient.trim().toLowerCase();
  const at = lower.lastIndexOf("@");
  if (at < 0) return { address: lower, tag: null };
  const local = lower.slice(0, at);
  const plus = local.indexOf("+");
  if (plus < 0) return { address: lower, tag: null };
  return { address: `${local.slice(0, plus)}${lower.slice(at)}`, tag: local.slice(plus + 1) || null };
};

/** The reply address of a ticket: its organization's address with the ticket's reply token as `+tag`. */
export const replyAddress = (address: string, token: string) => {
  const at = address.lastIndexOf("@");
  return `${address.slice(0, at)}+${token}${address.slice(at)}`;
};

/** The domain of an address (what a Message-ID of ours ends with). */
export const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1);

// A deliberately plain check (one @, no spaces or angle brackets, a dot in the domain): enough to
// refuse what could never be answered; the parser has already decoded the header.
const ADDRESS = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;

/** Whether `address` is one we could write back to. */
export const isUsableAddress = (address: string | undefined): address is string =>
  address !== undefined && address.length <= 254 && ADDRESS.test(address);
