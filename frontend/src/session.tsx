// Who is shopping: the access token (memory only, see lib/api.ts), the signed-in user, the
// cart's item count for the header and the unread-notification count for the bell.

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Api, decodeClaims, mergeGuestCart } from "./lib/api";
import type { Cart, Notification, Paged, User } from "./lib/types";

export type Status = "restoring" | "guest" | "signed-in";

interface SessionValue {
  api: Api;
  status: Status;
  user: User | null;
  isAdmin: boolean;
  cartCount: number;
  unread: number;
  signIn(email: string, password: string): Promise<void>;
  register(email: string, password: string, displayName: string): Promise<void>;
  signOut(): Promise<void>;
  reloadUser(): Promise<void>;
  refreshCart(cart?: Cart): void;
  refreshUnread(): void;
}

const SessionContext = createContext<SessionValue | null>(null);

/** How often the bell asks for new notifications while the tab is open. */
const UNREAD_POLL_MS = 30_000;

interface LoginAnswer {
  access_token?: string;
  user?: User;
}

export function SessionProvider({ children, api: given }: { children: ReactNode; api?: Api }) {
  const api = useMemo(() => given ?? new Api({ fetch: window.fetch.bind(window), storage: window.localStorage }), [given]);
  const [status, setStatus] = useState<Status>("restoring");
  const [user, setUser] = useState<User | null>(null);
  const [cartCount, setCartCount] = useState(0);
  const [unread, setUnread] = useState(0);
  const statusRef = useRef(status);
  statusRef.current = status;

  const loadMe = useCallback(async () => {
    const me = await api.get<User>("/me");
    const claims = api.accessToken ? decodeClaims(api.accessToken) : null;
    setUser({ ...me, role: me.role ?? claims?.role ?? "customer" });
    setStatus("signed-in");
  }, [api]);

  const refreshCart = useCallback(
    (cart?: Cart) => {
      if (cart) {
        setCartCount(cart.item_count ?? cart.lines.reduce((n, l) => n + l.quantity, 0));
        return;
      }
      api.get<Cart>("/cart").then(
        (c) => setCartCount(c.item_count ?? 0),
        () => setCartCount(0),
      );
    },
    [api],
  );

  const refreshUnread = useCallback(() => {
    if (!api.accessToken) {
      setUnread(0);
      return;
    }
    api.get<Paged<Notification> & { unread_count?: number }>("/notifications?limit=20").then(
      (p) => setUnread(typeof p.unread_count === "number" ? p.unread_count : p.items.filter((n) => !n.read).length),
      () => undefined,
    );
  }, [api]);

  // A reload: the refresh cookie, if any, restores the session.
  useEffect(() => {
    let live = true;
    api.refresh().then(async (token) => {
      if (!live) return;
      if (token) {
        try {
          await loadMe();
        } catch {
          setStatus("guest");
        }
      } else {
        setStatus("guest");
      }
    });
    return () => {
      live = false;
    };
  }, [api, loadMe]);

  // A refused refresh anywhere signs the shopper out here too.
  useEffect(
    () =>
      api.onToken((t) => {
        if (!t && statusRef.current === "signed-in") {
          setUser(null);
          setStatus("guest");
        }
      }),
    [api],
  );

  useEffect(() => {
    if (status === "restoring") return;
    refreshCart();
    refreshUnread();
    if (status !== "signed-in") return;
    const timer = window.setInterval(refreshUnread, UNREAD_POLL_MS);
    return () => window.clearInterval(timer);
  }, [status, refreshCart, refreshUnread]);

  const afterSignIn = useCallback(
    async (answer: LoginAnswer) => {
      if (!answer.access_token) throw new Error("The sign-in answer had no access token.");
      api.setToken(answer.access_token);
      await mergeGuestCart(api, window.localStorage);
      await loadMe();
    },
    [api, loadMe],
  );

  const signIn = useCallback(
    async (email: string, password: string) => {
      const answer = await api.post<LoginAnswer>("/auth/login", { email, password });
      await afterSignIn(answer);
    },
    [api, afterSignIn],
  );

  const register = useCallback(
    async (email: string, password: string, displayName: string) => {
      const answer = await api.post<LoginAnswer>("/auth/register", { email, password, display_name: displayName });
      if (answer?.access_token) await afterSignIn(answer);
      else await signIn(email, password);
    },
    [api, afterSignIn, signIn],
  );

  const signOut = useCallback(async () => {
    try {
      await api.post("/auth/logout", {});
    } catch {
      // Signed out locally whatever the server says; the session ends with its token.
    }
    api.setToken(null);
    setUser(null);
    setStatus("guest");
    setUnread(0);
  }, [api]);

  const value: SessionValue = {
    api,
    status,
    user,
    isAdmin: user?.role === "admin",
    cartCount,
    unread,
    signIn,
    register,
    signOut,
    reloadUser: loadMe,
    refreshCart,
    refreshUnread,
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside SessionProvider");
  return s;
}
