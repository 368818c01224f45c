import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { Button, Empty, ErrorNotice, Loading, Notice, PageTitle, Price, formatDate, shortId } from "../../components/ui";
import { useLoad, useTitle } from "../../lib/hooks";
import { CANCELLABLE, ORDER_FLOW, type Order, type OrderStatus, type Paged, totalsOf } from "../../lib/types";
import { useSession } from "../../session";

const STATUS_STYLE: Record<OrderStatus, string> = {
  pending: "bg-amber-100 text-amber-900",
  paid: "bg-sky-100 text-sky-900",
  shipped: "bg-indigo-100 text-indigo-900",
  delivered: "bg-emerald-100 text-emerald-900",
  cancelled: "bg-stone-200 text-stone-800",
};

export function StatusBadge({ status }: { status: OrderStatus }) {
  return (
    <span data-testid="order-status" className={`rounded px-2 py-0.5 text-sm font-medium capitalize ${STATUS_STYLE[status] ?? ""}`}>
      {status}
    </span>
  );
}

export function Orders() {
  useTitle("My orders");
  const { api } = useSession();
  const orders = useLoad((s) => api.get<Paged<Order>>("/orders?limit=50", s), [api]);
  return (
    <>
      <PageTitle>My orders</PageTitle>
      {orders.loading && <Loading label="Loading your orders…" />}
      <ErrorNotice error={orders.error} onRetry={orders.reload} />
      {orders.data && orders.data.items.length === 0 && (
        <Empty title="No orders yet">
          <Link to="/catalog" className="font-medium text-brand-700 underline">
            Start shopping
          </Link>
        </Empty>
      )}
      {orders.data && orders.data.items.length > 0 && (
        <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white">
          {orders.data.items.map((o) => (
            <li key={o.id}>
              <Link to={`/account/orders/${o.id}`} className="flex flex-wrap items-center justify-between gap-2 p-4 hover:bg-stone-50">
                <span>
                  <span className="font-mono font-semibold">{shortId(o.id)}</span>
                  <span className="ml-3 text-sm text-stone-600">{formatDate(o.created_ms)}</span>
                </span>
                <span className="flex items-center gap-3">
                  <StatusBadge status={o.status} />
                  <Price minor={totalsOf(o).total_minor} currency={o.currency} className="font-semibold" />
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function Timeline({ order }: { order: Order }) {
  const history = order.status_history ?? order.history ?? [{ status: order.status, at_ms: order.created_ms }];
  const reached = new Map(history.map((h) => [h.status, h.at_ms]));
  const steps: OrderStatus[] = order.status === "cancelled" ? [...ORDER_FLOW.filter((s) => reached.has(s)), "cancelled"] : ORDER_FLOW;
  return (
    <ol className="flex flex-col gap-0 sm:flex-row sm:gap-2" aria-label="Order status timeline">
      {steps.map((s) => {
        const at = reached.get(s);
        const current = s === order.status;
        return (
          <li key={s} className="flex flex-1 items-start gap-3 sm:flex-col sm:items-center sm:text-center" aria-current={current ? "step" : undefined}>
            <span
              aria-hidden="true"
              className={`mt-1 h-4 w-4 shrink-0 rounded-full border-2 ${at ? (s === "cancelled" ? "border-stone-700 bg-stone-700" : "border-brand-600 bg-brand-600") : "border-stone-300 bg-white"}`}
            />
            <span className="pb-4 sm:pb-0">
              <span className={`block capitalize ${current ? "font-semibold" : ""}`}>{s}</span>
              <span className="block text-xs text-stone-600">{at ? formatDate(at) : "Not yet"}</span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}

export function OrderPage() {
  const { id = "" } = useParams();
  useTitle("Order");
  const { api } = useSession();
  const order = useLoad((s) => api.get<Order>(`/orders/${encodeURIComponent(id)}`, s), [api, id]);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (order.loading && !order.data) return <Loading label="Loading the order…" />;
  if (!order.data) return <ErrorNotice error={order.error} onRetry={order.reload} />;
  const o = order.data;
  const t = totalsOf(o);
  const canCancel = o.can_cancel ?? CANCELLABLE.includes(o.status);
  const cancel = async () => {
    if (!window.confirm("Cancel this order?")) return;
    setCancelling(true);
    setError(null);
    try {
      const next = await api.post<Order>(`/orders/${encodeURIComponent(o.id)}/cancel`, {});
      if (next?.id) order.setData(next);
      else order.reload();
    } catch (e) {
      setError(e);
      order.reload();
    } finally {
      setCancelling(false);
    }
  };
  return (
    <>
      <PageTitle sub={`Placed ${formatDate(o.created_ms)}`}>
        Order <span className="font-mono">{shortId(o.id)}</span> <StatusBadge status={o.status} />
      </PageTitle>
      <section className="mb-6 rounded-lg border border-stone-200 bg-white p-4">
        <h2 className="mb-3 font-semibold">Status</h2>
        <Timeline order={o} />
        {o.status === "cancelled" && o.cancel_reason && <Notice>Cancelled: {o.cancel_reason}</Notice>}
        <ErrorNotice error={error} />
        {canCancel && (
          <Button kind="danger" className="mt-2" onClick={cancel} busy={cancelling}>
            Cancel order
          </Button>
        )}
      </section>
      <div className="grid gap-6 md:grid-cols-[1fr_18rem]">
        <section className="rounded-lg border border-stone-200 bg-white p-4">
          <h2 className="mb-3 font-semibold">Items</h2>
          <ul className="divide-y divide-stone-200">
            {(o.lines ?? []).map((l) => (
              <li key={l.product_id} className="flex justify-between gap-2 py-2">
                <span>
                  {l.quantity} × {l.name} <span className="text-xs text-stone-500">{l.sku}</span>
                </span>
                <Price minor={l.line_total_minor} currency={o.currency} />
              </li>
            ))}
          </ul>
        </section>
        <aside className="flex flex-col gap-4">
          <section className="rounded-lg border border-stone-200 bg-white p-4 text-sm">
            <h2 className="mb-2 font-semibold">Total</h2>
            <p className="text-lg font-semibold">
              <Price minor={t.total_minor} currency={o.currency} />
            </p>
            <p className="text-stone-600">
              Subtotal <Price minor={t.subtotal_minor} currency={o.currency} />, shipping <Price minor={t.shipping_minor} currency={o.currency} />, tax{" "}
              <Price minor={t.tax_minor} currency={o.currency} />
            </p>
          </section>
          {o.shipping_address && (
            <section className="rounded-lg border border-stone-200 bg-white p-4 text-sm">
              <h2 className="mb-2 font-semibold">Ships to</h2>
              <address className="not-italic">
                {o.shipping_address.recipient ?? o.shipping_address.name}
                <br />
                {o.shipping_address.line1}
                {o.shipping_address.line2 ? <>, {o.shipping_address.line2}</> : null}
                <br />
                {o.shipping_address.city} {o.shipping_address.region ?? ""} {o.shipping_address.postal_code}
                <br />
                {o.shipping_address.country}
              </address>
            </section>
          )}
        </aside>
      </div>
    </>
  );
}
