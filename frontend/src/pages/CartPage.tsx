import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { Button, Empty, ErrorNotice, Loading, Notice, PageTitle, Price, ProductImage } from "../components/ui";
import { useLoad, useTitle } from "../lib/hooks";
import { formatMoney } from "../lib/money";
import { type Cart, type CartLine, totalsOf } from "../lib/types";
import { useSession } from "../session";

export function Totals({ cart, currency }: { cart: Parameters<typeof totalsOf>[0]; currency: string }) {
  const t = totalsOf(cart);
  return (
    <dl className="flex flex-col gap-2 text-sm">
      <div className="flex justify-between">
        <dt>Subtotal</dt>
        <dd>
          <Price minor={t.subtotal_minor} currency={currency} />
        </dd>
      </div>
      <div className="flex justify-between">
        <dt>Shipping</dt>
        <dd>{t.shipping_minor === 0 ? "Free" : <Price minor={t.shipping_minor} currency={currency} />}</dd>
      </div>
      <div className="flex justify-between">
        <dt>Tax</dt>
        <dd>
          <Price minor={t.tax_minor} currency={currency} />
        </dd>
      </div>
      <div className="flex justify-between border-t border-stone-200 pt-2 text-base font-semibold">
        <dt>Total</dt>
        <dd data-testid="cart-total">
          <Price minor={t.total_minor} currency={currency} />
        </dd>
      </div>
    </dl>
  );
}

function LineRow({ line, currency, onChange, busy }: { line: CartLine; currency: string; onChange: (q: number) => void; busy: boolean }) {
  const name = line.name ?? "Unavailable product";
  const max = Math.max(line.quantity, Math.min(99, line.available));
  return (
    <li className="flex gap-4 py-4" data-testid="cart-line">
      <ProductImage src={line.image ?? undefined} alt="" className="h-20 w-20 shrink-0 rounded" />
      <div className="flex min-w-0 flex-1 flex-col gap-1">
        {line.slug ? (
          <Link to={`/products/${line.slug}`} className="font-medium hover:underline">
            {name}
          </Link>
        ) : (
          <span className="font-medium">{name}</span>
        )}
        <span className="text-sm text-stone-600">
          <Price minor={line.unit_price_minor} currency={currency} /> each
        </span>
        {line.price_changed && (
          <p className="text-sm text-amber-800" role="note">
            Price changed from {formatMoney(line.added_unit_price_minor, currency)} to {formatMoney(line.unit_price_minor, currency)} since you added it.
          </p>
        )}
        {line.availability === "insufficient_stock" && (
          <p className="text-sm text-red-700" role="note">
            Only {line.available} left: lower the quantity to check out.
          </p>
        )}
        {line.availability === "unavailable" && (
          <p className="text-sm text-red-700" role="note">
            No longer sold: remove it to check out.
          </p>
        )}
        <div className="mt-1 flex items-center gap-3">
          <label className="flex items-center gap-2 text-sm">
            <span>Quantity</span>
            <select
              value={line.quantity}
              disabled={busy || line.availability === "unavailable"}
              onChange={(e) => onChange(Number(e.target.value))}
              className="rounded border border-stone-300 bg-white px-2 py-1"
              aria-label={`Quantity of ${name}`}
            >
              {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <button type="button" disabled={busy} onClick={() => onChange(0)} className="text-sm font-medium text-red-700 hover:underline" aria-label={`Remove ${name}`}>
            Remove
          </button>
        </div>
      </div>
      <div className="text-right font-semibold">
        <Price minor={line.line_total_minor} currency={currency} />
      </div>
    </li>
  );
}

export function CartPage() {
  useTitle("Cart");
  const { api, status, refreshCart } = useSession();
  const navigate = useNavigate();
  const cart = useLoad((s) => api.get<Cart>("/cart", s), [api, status]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const change = async (line: CartLine, quantity: number) => {
    setBusy(line.product_id);
    setError(null);
    try {
      const path = `/cart/items/${encodeURIComponent(line.product_id)}`;
      const next = quantity === 0 ? await api.del<Cart>(path) : await api.patch<Cart>(path, { quantity });
      if (next && Array.isArray(next.lines)) {
        cart.setData(next);
        refreshCart(next);
      } else {
        cart.reload();
        refreshCart();
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  if (cart.loading && !cart.data) return <Loading label="Loading your cart…" />;
  if (cart.error && !cart.data) return <ErrorNotice error={cart.error} onRetry={cart.reload} />;
  const c = cart.data;
  if (!c || c.lines.length === 0)
    return (
      <>
        <PageTitle>Your cart</PageTitle>
        <Empty title="Your cart is empty">
          <Link to="/catalog" className="font-medium text-brand-700 underline">
            Find something you like
          </Link>
        </Empty>
      </>
    );
  const currency = c.currency ?? "USD";
  const blocked = c.lines.some((l) => l.availability !== "in_stock");
  return (
    <>
      <PageTitle>Your cart</PageTitle>
      {c.lines.some((l) => l.price_changed) && <Notice tone="warn">Some prices changed since you added the items. The cart shows today’s prices.</Notice>}
      <ErrorNotice error={error} />
      <div className="grid gap-8 lg:grid-cols-[1fr_20rem]">
        <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white px-4">
          {c.lines.map((l) => (
            <LineRow key={l.product_id} line={l} currency={currency} busy={busy === l.product_id} onChange={(q) => change(l, q)} />
          ))}
        </ul>
        <aside className="h-fit rounded-lg border border-stone-200 bg-white p-4" aria-label="Order summary">
          <h2 className="mb-3 font-semibold">Summary</h2>
          <Totals cart={c} currency={currency} />
          <Button className="mt-4 w-full" disabled={blocked} onClick={() => navigate(status === "signed-in" ? "/checkout" : "/signin?next=%2Fcheckout")}>
            {status === "signed-in" ? "Check out" : "Sign in to check out"}
          </Button>
          {blocked && <p className="mt-2 text-sm text-red-700">Fix the marked lines to check out.</p>}
        </aside>
      </div>
    </>
  );
}
