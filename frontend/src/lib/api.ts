// The one way the shop talks to the gateway (docs/contracts.md): JSON in and out, the
// access token in memory as a bearer token, renewed through the refresh cookie, the guest
// cart id as `x-cart-id`, errors as `ApiError` carrying the API's code and message.
//
// Why the access token lives in memory only: a script injected into the page could read
// localStorage or a non-HttpOnly cookie and use the token elsewhere; memory dies with the
// tab. The refresh token is the user service's `redshop_refresh` cookie (HttpOnly, Secure,
// SameSite=Strict, Path=/api/v1/auth): no script can read it, the browser sends it only to
// the two auth routes, and those also need the `x-requested-with: redshop` header, which a
// cross-site form cannot send. A reload therefore costs one POST /auth/refresh.

import { type KeyValue, guestCartId, CART_ID_KEY } from "./ids";

export const API_BASE = "/api/v1";

/** The CSRF header the gateway requires on cookie-authenticated calls. */
export const CSRF_HEADER: [string, string] = ["x-requested-with", "redshop"];

/** An error answer: `{"error": code, "message": ...}` plus any extra fields. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: Record<string, unknown>;

  constructor(status: number, code: string, message: string, body: Record<string, unknown> = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.body = body;
  }

  /** The request field the error is about, when the service names one. */
  get field(): string | undefined {
    const f = this.body.field;
    return typeof f === "string" ? f : undefined;
  }
}

/** What a person should read for an error of any kind. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status >= 500) return "Something went wrong on our side. Please try again.";
    return e.message || e.code;
  }
  if (e instanceof TypeError) return "Could not reach the shop. Check your connection and try again.";
  if (e instanceof Error) return e.message;
  return "Something went wrong.";
}

export interface Claims {
  sub: string;
  role: "customer" | "admin";
  sid: string;
  exp: number;
}

/** The access token's claims, for display and scheduling only (the gateway verifies). */
export function decodeClaims(token: string): Claims | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    const claims = JSON.parse(json) as Partial<Claims>;
    if (typeof claims.sub !== "string" || typeof claims.exp !== "number") return null;
    return { sub: claims.sub, role: claims.role === "admin" ? "admin" : "customer", sid: String(claims.sid ?? ""), exp: claims.exp };
  } catch {
    return null;
  }
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** The checkout's key, made once per attempt by the caller. */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Send the guest cart id even when signed in (cart merge). */
  cartId?: boolean;
}

export interface ApiConfig {
  fetch: typeof fetch;
  storage: KeyValue;
  base?: string;
  /** Seconds since the epoch (tests pass a clock). */
  now?: () => number;
}

type Listener = (token: string | null) => void;

/** Renew this many seconds before the token's `exp`, so a request never races expiry. */
const RENEW_BEFORE_S = 30;

export class Api {
  private token: string | null = null;
  private refreshing: Promise<string | null> | null = null;
  private listeners = new Set<Listener>();
  private readonly cfg: Required<ApiConfig>;

  constructor(cfg: ApiConfig) {
    this.cfg = { base: API_BASE, now: () => Date.now() / 1000, ...cfg };
  }

  get accessToken(): string | null {
    return this.token;
  }

  /** Set (after sign-in) or clear (sign-out) the access token. */
  setToken(token: string | null): void {
    this.token = token;
    for (const l of this.listeners) l(token);
  }

  onToken(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * POST /auth/refresh with the refresh cookie. Concurrent callers share one request: the
   * user service rotates the refresh token, so two parallel refreshes would sign out.
   */
  refresh(): Promise<string | null> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<string | null> {
    try {
      const res = await this.cfg.fetch(`${this.cfg.base}/auth/refresh`, {
        method: "POST",
        credentials: "same-origin",
        headers: { accept: "application/json", [CSRF_HEADER[0]]: CSRF_HEADER[1] },
      });
      if (!res.ok) {
        this.setToken(null);
        return null;
      }
      const body = (await res.json()) as { access_token?: unknown };
      const token = typeof body.access_token === "string" ? body.access_token : null;
      this.setToken(token);
      return token;
    } catch {
      // The network failed: keep whatever token there was; the next call tries again.
      return this.token;
    }
  }

  private expiresSoon(): boolean {
    if (!this.token) return false;
    const claims = decodeClaims(this.token);
    return claims !== null && claims.exp - RENEW_BEFORE_S <= this.cfg.now();
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    if (this.expiresSoon()) await this.refresh();
    const first = await this.send(method, path, opts);
    if (first.status === 401 && this.token && !path.startsWith("/auth/")) {
      const renewed = await this.refresh();
      if (renewed) return this.parse<T>(await this.send(method, path, opts));
    }
    return this.parse<T>(first);
  }

  private send(method: string, path: string, opts: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (opts.idempotencyKey) headers["idempotency-key"] = opts.idempotencyKey;
    const wantsCart = path.startsWith("/cart") || path.startsWith("/checkout");
    if (opts.cartId || (wantsCart && !this.token)) headers["x-cart-id"] = guestCartId(this.cfg.storage);
    if (path.startsWith("/auth/")) headers[CSRF_HEADER[0]] = CSRF_HEADER[1];
    return this.cfg.fetch(`${this.cfg.base}${path}`, {
      method,
      headers,
      credentials: "same-origin",
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  }

  private async parse<T>(res: Response): Promise<T> {
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    if (!res.ok) {
      const obj = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
      const code = typeof obj.error === "string" ? obj.error : `http_${res.status}`;
      const message = typeof obj.message === "string" ? obj.message : res.statusText || "request failed";
      throw new ApiError(res.status, code, message, obj);
    }
    return body as T;
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>("GET", path, { signal });
  }
  post<T>(path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>("POST", path, { ...opts, body: body ?? {} });
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PATCH", path, { body });
  }
  del<T>(path: string): Promise<T> {
    return this.request<T>("DELETE", path);
  }
}

/**
 * After a sign-in: move the guest cart into the customer's (`POST /cart/merge` with the
 * guest id), then forget the guest id, so the next guest session starts a new cart. A
 * failed merge keeps the id for the next sign-in. Returns whether a merge happened.
 */
export async function mergeGuestCart(api: Api, storage: KeyValue): Promise<boolean> {
  if (!storage.getItem(CART_ID_KEY)) return false;
  try {
    await api.request("POST", "/cart/merge", { body: {}, cartId: true });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      // Nothing to merge (the guest never added anything).
      storage.removeItem(CART_ID_KEY);
    }
    return false;
  }
  storage.removeItem(CART_ID_KEY);
  return true;
}

/** Query string from pairs, skipping empty values. */
export function qs(params: Record<string, string | number | boolean | string[] | undefined | null>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "" || v === false) continue;
    if (Array.isArray(v)) v.forEach((x) => sp.append(k, x));
    else sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : "";
}
