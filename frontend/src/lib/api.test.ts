import { describe, expect, it } from "vitest";
import { Api, ApiError, decodeClaims, mergeGuestCart, qs } from "./api";
import { CART_ID_KEY, type KeyValue } from "./ids";

class Memory implements KeyValue {
  map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

function json(status: number, body: unknown): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** A fake gateway: answers from `route`, records every call. */
function fakeFetch(route: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const call: Call = {
      url: String(input),
      method: init?.method ?? "GET",
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: init?.body as string | undefined,
    };
    calls.push(call);
    return route(call);
  }) as typeof fetch;
  return { fn, calls };
}

function token(exp: number, role = "customer"): string {
  const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${b64({ alg: "EdDSA" })}.${b64({ sub: "u1", role, sid: "s1", exp })}.sig`;
}

const NOW = 1_800_000_000;

describe("access token renewal", () => {
  it("refreshes once on a 401 and retries with the new token", async () => {
    const fresh = token(NOW + 900);
    const { fn, calls } = fakeFetch((c) => {
      if (c.url.endsWith("/auth/refresh")) return json(200, { access_token: fresh });
      return c.headers.authorization === `Bearer ${fresh}` ? json(200, { id: "u1" }) : json(401, { error: "unauthorized", message: "expired" });
    });
    const api = new Api({ fetch: fn, storage: new Memory(), now: () => NOW });
    api.setToken(token(NOW + 600));
    await expect(api.get("/me")).resolves.toEqual({ id: "u1" });
    expect(calls.map((c) => c.url)).toEqual(["/api/v1/me", "/api/v1/auth/refresh", "/api/v1/me"]);
    const refresh = calls[1]!;
    expect(refresh.method).toBe("POST");
    expect(refresh.headers["x-requested-with"]).toBe("redshop");
    expect(api.accessToken).toBe(fresh);
  });

  it("shares one refresh between concurrent requests", async () => {
    const fresh = token(NOW + 900);
    let refreshes = 0;
    const { fn } = fakeFetch(async (c) => {
      if (c.url.endsWith("/auth/refresh")) {
        refreshes += 1;
        await new Promise((r) => setTimeout(r, 5));
        return json(200, { access_token: fresh });
      }
      return c.headers.authorization === `Bearer ${fresh}` ? json(200, { ok: true }) : json(401, { error: "unauthorized", message: "x" });
    });
    const api = new Api({ fetch: fn, storage: new Memory(), now: () => NOW });
    api.setToken(token(NOW + 600));
    await Promise.all([api.get("/me"), api.get("/orders"), api.get("/notifications")]);
    expect(refreshes).toBe(1);
  });

  it("renews ahead of expiry instead of waiting for a 401", async () => {
    const fresh = token(NOW + 900);
    const { fn, calls } = fakeFetch((c) => (c.url.endsWith("/auth/refresh") ? json(200, { access_token: fresh }) : json(200, {})));
    const api = new Api({ fetch: fn, storage: new Memory(), now: () => NOW });
    api.setToken(token(NOW + 10));
    await api.get("/me");
    expect(calls.map((c) => c.url)).toEqual(["/api/v1/auth/refresh", "/api/v1/me"]);
    expect(calls[1]!.headers.authorization).toBe(`Bearer ${fresh}`);
  });

  it("signs out when the refresh is refused, and reports the 401", async () => {
    const { fn } = fakeFetch((c) =>
      c.url.endsWith("/auth/refresh") ? json(401, { error: "unauthorized", message: "no session" }) : json(401, { error: "unauthorized", message: "expired" }),
    );
    const api = new Api({ fetch: fn, storage: new Memory(), now: () => NOW });
    const seen: (string | null)[] = [];
    api.onToken((t) => seen.push(t));
    api.setToken(token(NOW + 600));
    const err = await api.get("/me").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect((err as ApiError).code).toBe("unauthorized");
    expect(api.accessToken).toBeNull();
    expect(seen.at(-1)).toBeNull();
  });

  it("does not refresh for a guest's 401", async () => {
    const { fn, calls } = fakeFetch(() => json(401, { error: "unauthorized", message: "sign in" }));
    const api = new Api({ fetch: fn, storage: new Memory(), now: () => NOW });
    await expect(api.get("/orders")).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(1);
  });
});

describe("requests", () => {
  it("sends the guest cart id on cart calls only, and not once signed in", async () => {
    const storage = new Memory();
    const { fn, calls } = fakeFetch(() => json(200, {}));
    const api = new Api({ fetch: fn, storage, now: () => NOW });
    await api.get("/cart");
    await api.get("/products");
    const id = storage.getItem(CART_ID_KEY);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(calls[0]!.headers["x-cart-id"]).toBe(id);
    expect(calls[1]!.headers["x-cart-id"]).toBeUndefined();
    api.setToken(token(NOW + 900));
    await api.get("/cart");
    expect(calls[2]!.headers["x-cart-id"]).toBeUndefined();
    expect(calls[2]!.headers.authorization).toMatch(/^Bearer /);
  });

  it("passes the idempotency key and JSON body", async () => {
    const { fn, calls } = fakeFetch(() => json(201, { id: "o1" }));
    const api = new Api({ fetch: fn, storage: new Memory(), now: () => NOW });
    await api.post("/checkout", { address_id: "a1" }, { idempotencyKey: "k-1" });
    expect(calls[0]!.headers["idempotency-key"]).toBe("k-1");
    expect(calls[0]!.headers["content-type"]).toBe("application/json");
    expect(calls[0]!.body).toBe('{"address_id":"a1"}');
  });

  it("turns error bodies into ApiError with code, message and field", async () => {
    const { fn } = fakeFetch(() => json(400, { error: "invalid_email", message: "not an email", field: "email" }));
    const api = new Api({ fetch: fn, storage: new Memory(), now: () => NOW });
    const err = (await api.post("/auth/register", {}).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe("invalid_email");
    expect(err.message).toBe("not an email");
    expect(err.field).toBe("email");
  });
});

describe("cart merge after sign-in", () => {
  it("merges the guest cart with its id, then forgets the id", async () => {
    const storage = new Memory();
    storage.setItem(CART_ID_KEY, "0b6e1f1e-6c8a-4c65-9a8f-1b1d1c1e1f10");
    const { fn, calls } = fakeFetch(() => json(200, { lines: [] }));
    const api = new Api({ fetch: fn, storage, now: () => NOW });
    api.setToken(token(NOW + 900));
    await expect(mergeGuestCart(api, storage)).resolves.toBe(true);
    expect(calls[0]!.url).toBe("/api/v1/cart/merge");
    expect(calls[0]!.method).toBe("POST");
    expect(calls[0]!.headers["x-cart-id"]).toBe("0b6e1f1e-6c8a-4c65-9a8f-1b1d1c1e1f10");
    expect(storage.getItem(CART_ID_KEY)).toBeNull();
  });

  it("does nothing without a guest cart", async () => {
    const { fn, calls } = fakeFetch(() => json(200, {}));
    const storage = new Memory();
    await expect(mergeGuestCart(new Api({ fetch: fn, storage }), storage)).resolves.toBe(false);
    expect(calls).toHaveLength(0);
  });

  it("keeps the guest id when the merge fails, to try again next sign-in", async () => {
    const storage = new Memory();
    storage.setItem(CART_ID_KEY, "0b6e1f1e-6c8a-4c65-9a8f-1b1d1c1e1f10");
    const { fn } = fakeFetch(() => json(500, { error: "internal", message: "internal error" }));
    await expect(mergeGuestCart(new Api({ fetch: fn, storage, now: () => NOW }), storage)).resolves.toBe(false);
    expect(storage.getItem(CART_ID_KEY)).toBe("0b6e1f1e-6c8a-4c65-9a8f-1b1d1c1e1f10");
  });
});

describe("helpers", () => {
  it("decodes the claims it needs", () => {
    expect(decodeClaims(token(NOW, "admin"))).toEqual({ sub: "u1", role: "admin", sid: "s1", exp: NOW });
    expect(decodeClaims("not-a-jwt")).toBeNull();
  });

  it("builds query strings without empty values", () => {
    expect(qs({ q: "lamp", brand: ["A", "B"], in_stock: true, page: undefined, empty: "" })).toBe("?q=lamp&brand=A&brand=B&in_stock=true");
    expect(qs({})).toBe("");
  });
});
