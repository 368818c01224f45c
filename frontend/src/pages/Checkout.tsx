import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { ADDRESS_FIELDS, AddressFields, BLANK, cleanAddress, validateAddress } from "../components/AddressForm";
import { Button, Empty, ErrorNotice, Loading, Notice, PageTitle, Price, shortId } from "../components/ui";
import { ApiError } from "../lib/api";
import { attemptKey, fingerprint, retireKey } from "../lib/checkout";
import { type Errors, hasErrors } from "../lib/forms";
import { useLoad, useTitle } from "../lib/hooks";
import { type Address, type Cart, type Order, type SavedAddress, fromSaved } from "../lib/types";
import { useSession } from "../session";
import { Totals } from "./CartPage";

export function listOf<T>(x: T[] | { items: T[] } | undefined): T[] {
  if (!x) return [];
  return Array.isArray(x) ? x : (x.items ?? []);
}

export function Checkout() {
  useTitle("Checkout");
  const { api, refreshCart } = useSession();
  const navigate = useNavigate();
  const cart = useLoad((s) => api.get<Cart>("/cart", s), [api]);
  const saved = useLoad((s) => api.get<{ items: SavedAddress[] }>("/me/addresses", s), [api]);
  const addresses = listOf(saved.data).map(fromSaved);
  const [choice, setChoice] = useState<string>("new");
  const [address, setAddress] = useState<Address>(BLANK);
  const [errors, setErrors] = useState<Errors<(typeof ADDRESS_FIELDS)[number]>>({});
  const [placing, setPlacing] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (addresses.length > 0 && choice === "new") {
      const preferred = addresses.find((a) => a.is_default) ?? addresses[0];
      if (preferred?.id) setChoice(preferred.id);
    }
    // Only when the saved addresses arrive.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [saved.data]);

  if (cart.loading || saved.loading) return <Loading label="Preparing checkout…" />;
  if (cart.error) return <ErrorNotice error={cart.error} onRetry={cart.reload} />;
  const c = cart.data;
  if (!c || c.lines.length === 0)
    return (
      <>
        <PageTitle>Checkout</PageTitle>
        <Empty title="Your cart is empty">
          <Link to="/catalog" className="font-medium text-brand-700 underline">
            Browse the catalog
          </Link>
        </Empty>
      </>
    );
  const currency = c.currency ?? "USD";

  const place = async () => {
    setError(null);
    let body: { address_id: string } | { address: Record<string, string> };
    if (choice === "new") {
      const found = validateAddress(address);
      setErrors(found);
      if (hasErrors(found)) return;
      // The order service names the recipient `recipient`, like the user service.
      const { name, ...rest } = cleanAddress(address);
      body = { address: { recipient: name, ...(rest as unknown as Record<string, string>) } };
    } else {
      body = { address_id: choice };
    }
    const print = fingerprint(body, c.lines);
    const key = attemptKey(window.sessionStorage, print);
    setPlacing(true);
    try {
      const order = await api.post<Order>("/checkout", body, { idempotencyKey: key });
      retireKey(window.sessionStorage, print);
      refreshCart();
      navigate(`/checkout/complete/${order.id}`, { replace: true });
    } catch (e) {
      // A refusal (stock, address) ends this attempt; a failure that may not have reached the
      // service (network, 5xx) keeps the key so that trying again cannot order twice.
      if (e instanceof ApiError && e.status < 500 && e.status !== 429) retireKey(window.sessionStorage, print);
      setError(e);
      if (e instanceof ApiError && e.code === "insufficient_stock") cart.reload();
    } finally {
      setPlacing(false);
    }
  };

  const blocked = c.lines.some((l) => l.availability !== "in_stock");
  return (
    <>
      <PageTitle>Checkout</PageTitle>
      <div className="grid gap-8 lg:grid-cols-[1fr_22rem]">
        <section aria-labelledby="ship-title" className="rounded-lg border border-stone-200 bg-white p-4">
          <h2 id="ship-title" className="mb-3 text-lg font-semibold">
            Shipping address
          </h2>
          <ErrorNotice error={saved.error} />
          <fieldset className="flex flex-col gap-2">
            <legend className="sr-only">Choose an address</legend>
            {addresses.map((a) => (
              <label key={a.id} className="flex items-start gap-2 rounded border border-stone-200 p-3">
                <input type="radio" name="address" value={a.id} checked={choice === a.id} onChange={() => setChoice(a.id ?? "new")} className="mt-1" />
                <span>
                  <span className="font-medium">{a.name}</span>
                  <br />
                  {a.line1}
                  {a.line2 ? `, ${a.line2}` : ""}, {a.city} {a.postal_code}, {a.country}
                </span>
              </label>
            ))}
            <label className="flex items-center gap-2 rounded border border-stone-200 p-3">
              <input type="radio" name="address" value="new" checked={choice === "new"} onChange={() => setChoice("new")} />
              <span className="font-medium">A new address</span>
            </label>
          </fieldset>
          {choice === "new" && (
            <div className="mt-4">
              <AddressFields value={address} onChange={setAddress} errors={errors} />
            </div>
          )}
        </section>
        <aside aria-labelledby="review-title" className="h-fit rounded-lg border border-stone-200 bg-white p-4">
          <h2 id="review-title" className="mb-3 text-lg font-semibold">
            Review
          </h2>
          <ul className="mb-4 flex flex-col gap-2 text-sm">
            {c.lines.map((l) => (
              <li key={l.product_id} className="flex justify-between gap-2">
                <span>
                  {l.quantity} × {l.name ?? "Unavailable product"}
                  {l.availability !== "in_stock" && <span className="block text-red-700">{l.availability === "unavailable" ? "No longer sold" : `Only ${l.available} left`}</span>}
                </span>
                <Price minor={l.line_total_minor} currency={currency} />
              </li>
            ))}
          </ul>
          <Totals cart={c} currency={currency} />
          {c.lines.some((l) => l.price_changed) && <Notice tone="warn">Some prices changed since you added the items.</Notice>}
          <ErrorNotice error={error} />
          <Button className="mt-4 w-full" onClick={place} busy={placing} disabled={blocked}>
            Place order
          </Button>
          {blocked && (
            <p className="mt-2 text-sm text-red-700">
              Some items are short. <Link to="/cart" className="underline">Update your cart</Link> to continue.
            </p>
          )}
          <p className="mt-2 text-xs text-stone-500">No real payment is taken: this is a demo shop.</p>
        </aside>
      </div>
    </>
  );
}

export function Confirmation() {
  const { id = "" } = useParams();
  useTitle("Order placed");
  const { api } = useSession();
  const order = useLoad((s) => api.get<Order>(`/orders/${encodeURIComponent(id)}`, s), [api, id]);
  return (
    <div className="mx-auto max-w-xl py-6 text-center">
      <p className="text-5xl" aria-hidden="true">
        ✓
      </p>
      <h1 className="mt-2 text-3xl font-bold">Thank you for your order</h1>
      {order.loading && <Loading label="Loading your order…" />}
      <ErrorNotice error={order.error} onRetry={order.reload} />
      {order.data && (
        <p className="mt-3 text-stone-700">
          Order <span className="font-mono font-semibold">{shortId(order.data.id)}</span> is {order.data.status}. We emailed a confirmation to {order.data.customer?.email ?? order.data.email ?? "you"}.
        </p>
      )}
      <div className="mt-6 flex justify-center gap-3">
        <Link to={`/account/orders/${id}`} className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
          View order
        </Link>
        <Link to="/catalog" className="rounded-md border border-stone-300 bg-white px-4 py-2 font-medium hover:bg-stone-100">
          Keep shopping
        </Link>
      </div>
    </div>
  );
}
