// One Idempotency-Key per checkout attempt. An attempt is "this cart, shipped to this
// address": a double click, a retry after a network failure or a reload of the page sends
// the same key, so the order service answers with the order it already made instead of
// making another. Anything that changes the attempt (the address, the cart's lines) gets a
// new key, and a placed order retires its key. Keys live in sessionStorage: per tab, gone
// when the tab closes (the service forgets keys after a day anyway).

import { type KeyValue, uuid } from "./ids";

const PREFIX = "redshop.checkout.";

/** What identifies an attempt: the checkout body and the cart it was made from. */
export function fingerprint(body: unknown, cart: { product_id: string; quantity: number }[]): string {
  const lines = [...cart].sort((a, b) => a.product_id.localeCompare(b.product_id)).map((l) => `${l.product_id}x${l.quantity}`);
  return `${JSON.stringify(body)}|${lines.join(",")}`;
}

/** The key for this attempt: the stored one, or a new one stored for next time. */
export function attemptKey(storage: KeyValue, print: string): string {
  const slot = PREFIX + hash(print);
  const existing = storage.getItem(slot);
  if (existing) return existing;
  const key = uuid();
  storage.setItem(slot, key);
  return key;
}

/** The attempt succeeded (or was refused for good): its key is not to be used again. */
export function retireKey(storage: KeyValue, print: string): void {
  storage.removeItem(PREFIX + hash(print));
}

function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}
