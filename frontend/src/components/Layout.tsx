import { useState, type FormEvent } from "react";
import { Link, NavLink, Outlet, useNavigate, useSearchParams } from "react-router-dom";
import { useSession } from "../session";

function BellIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="h-6 w-6" fill="none" stroke="currentColor" strokeWidth="2">
      <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

function CartIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="h-6 w-6" fill="none" stroke="currentColor" strokeWidth="2">
      <circle cx="9" cy="21" r="1" />
      <circle cx="20" cy="21" r="1" />
      <path d="M1 1h4l2.7 13.4a2 2 0 0 0 2 1.6h9.7a2 2 0 0 0 2-1.6L23 6H6" />
    </svg>
  );
}

function SearchBox() {
  const [params] = useSearchParams();
  const [q, setQ] = useState(params.get("q") ?? "");
  const navigate = useNavigate();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = q.trim();
    navigate(text ? `/catalog?q=${encodeURIComponent(text)}` : "/catalog");
  };
  return (
    <form role="search" onSubmit={submit} className="flex w-full max-w-md">
      <label htmlFor="site-search" className="sr-only">
        Search products
      </label>
      <input
        id="site-search"
        type="search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder="Search lamps, shoes, mugs…"
        className="w-full rounded-l-md border border-stone-300 px-3 py-2"
      />
      <button type="submit" className="rounded-r-md bg-brand-600 px-4 font-medium text-white hover:bg-brand-700">
        Search
      </button>
    </form>
  );
}

export function Layout() {
  const { status, user, isAdmin, cartCount, unread, signOut } = useSession();
  const navigate = useNavigate();
  const navClass = ({ isActive }: { isActive: boolean }) => `rounded px-2 py-1 hover:bg-stone-100 ${isActive ? "font-semibold text-brand-700" : ""}`;
  return (
    <div className="flex min-h-screen flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2">
        Skip to content
      </a>
      <header className="border-b border-stone-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-3 px-4 py-3">
          <Link to="/" className="text-xl font-extrabold tracking-tight text-brand-700">
            Red Shopping
          </Link>
          <nav aria-label="Main" className="flex items-center gap-1 text-sm">
            <NavLink to="/catalog" className={navClass}>
              Catalog
            </NavLink>
            {isAdmin && (
              <NavLink to="/admin" className={navClass}>
                Admin
              </NavLink>
            )}
          </nav>
          <div className="order-last w-full sm:order-none sm:ml-4 sm:w-auto sm:flex-1">
            <SearchBox />
          </div>
          <div className="ml-auto flex items-center gap-2 text-sm">
            {status === "signed-in" && (
              <Link to="/account/notifications" className="relative rounded p-2 hover:bg-stone-100" aria-label={`Notifications, ${unread} unread`}>
                <BellIcon />
                {unread > 0 && (
                  <span data-testid="unread-count" className="absolute -right-0.5 -top-0.5 min-w-5 rounded-full bg-brand-600 px-1 text-center text-xs font-bold text-white">
                    {unread}
                  </span>
                )}
              </Link>
            )}
            <Link to="/cart" className="relative rounded p-2 hover:bg-stone-100" aria-label={`Cart, ${cartCount} items`}>
              <CartIcon />
              {cartCount > 0 && (
                <span data-testid="cart-count" className="absolute -right-0.5 -top-0.5 min-w-5 rounded-full bg-stone-900 px-1 text-center text-xs font-bold text-white">
                  {cartCount}
                </span>
              )}
            </Link>
            {status === "signed-in" ? (
              <>
                <Link to="/account" className="rounded px-2 py-1 hover:bg-stone-100">
                  {user?.display_name || "Account"}
                </Link>
                <button
                  type="button"
                  className="rounded px-2 py-1 hover:bg-stone-100"
                  onClick={async () => {
                    await signOut();
                    navigate("/");
                  }}
                >
                  Sign out
                </button>
              </>
            ) : status === "guest" ? (
              <>
                <Link to="/signin" className="rounded px-2 py-1 hover:bg-stone-100">
                  Sign in
                </Link>
                <Link to="/register" className="rounded bg-stone-900 px-3 py-1.5 font-medium text-white hover:bg-stone-700">
                  Register
                </Link>
              </>
            ) : null}
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-6">
        <Outlet />
      </main>
      <footer className="border-t border-stone-200 bg-white py-6 text-center text-sm text-stone-600">
        Red Shopping · a demo shop: no real payments are taken
      </footer>
    </div>
  );
}

export function RequireUser({ admin = false, children }: { admin?: boolean; children: React.ReactNode }) {
  const { status, isAdmin } = useSession();
  const navigate = useNavigate();
  if (status === "restoring") return <p role="status" className="py-10 text-stone-600">Loading…</p>;
  if (status === "guest") {
    const next = window.location.pathname + window.location.search;
    return (
      <div className="mx-auto max-w-md py-10 text-center">
        <h1 className="text-2xl font-bold">Please sign in</h1>
        <p className="mt-2 text-stone-600">You need an account to see this page.</p>
        <button type="button" className="mt-4 rounded-md bg-brand-600 px-4 py-2 font-medium text-white" onClick={() => navigate(`/signin?next=${encodeURIComponent(next)}`)}>
          Sign in
        </button>
      </div>
    );
  }
  if (admin && !isAdmin) {
    return (
      <div className="py-10 text-center">
        <h1 className="text-2xl font-bold">Admins only</h1>
        <p className="mt-2 text-stone-600">Your account cannot open this page.</p>
      </div>
    );
  }
  return <>{children}</>;
}
