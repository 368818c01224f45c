import { describe, expect, it } from "vitest";
import { attemptKey, fingerprint, retireKey } from "./checkout";
import type { KeyValue } from "./ids";

function memory(): KeyValue {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
}

const cart = [
  { product_id: "b", quantity: 1 },
  { product_id: "a", quantity: 2 },
];

describe("idempotency key per checkout attempt", () => {
  it("gives a double click or a retry the same key", () => {
    const s = memory();
    const print = fingerprint({ address_id: "addr-1" }, cart);
    const first = attemptKey(s, print);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(attemptKey(s, print)).toBe(first);
    expect(attemptKey(s, fingerprint({ address_id: "addr-1" }, [...cart].reverse()))).toBe(first);
  });

  it("gives a changed address or cart a new key", () => {
    const s = memory();
    const first = attemptKey(s, fingerprint({ address_id: "addr-1" }, cart));
    expect(attemptKey(s, fingerprint({ address_id: "addr-2" }, cart))).not.toBe(first);
    expect(attemptKey(s, fingerprint({ address_id: "addr-1" }, [{ product_id: "a", quantity: 3 }]))).not.toBe(first);
  });

  it("starts a new attempt once the key is retired", () => {
    const s = memory();
    const print = fingerprint({ address_id: "addr-1" }, cart);
    const first = attemptKey(s, print);
    retireKey(s, print);
    expect(attemptKey(s, print)).not.toBe(first);
  });
});
