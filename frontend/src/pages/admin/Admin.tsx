import { useState, type FormEvent } from "react";
import { NavLink, Outlet, useSearchParams } from "react-router-dom";
import { Button, Empty, ErrorNotice, Field, Loading, Notice, PageTitle, Price, Select, formatDate, shortId } from "../../components/ui";
import { type Errors, hasErrors, required, serverErrors } from "../../lib/forms";
import { useLoad, useTitle } from "../../lib/hooks";
import { parseMajor, toMajorInput } from "../../lib/money";
import { type MailMessage, type Order, type OrderStatus, type Paged, type Product, type ProductPage, nextStatus, totalsOf } from "../../lib/types";
import { useSession } from "../../session";
import { StatusBadge } from "../account/Orders";

export function AdminLayout() {
  const link = ({ isActive }: { isActive: boolean }) => `rounded px-3 py-2 ${isActive ? "bg-stone-900 font-semibold text-white" : "hover:bg-stone-200"}`;
  return (
    <div className="flex flex-col gap-4">
      <nav aria-label="Admin" className="flex flex-wrap gap-1 rounded-lg bg-stone-100 p-1">
        <NavLink to="/admin/products" className={link}>Products</NavLink>
        <NavLink to="/admin/orders" className={link}>Orders</NavLink>
        <NavLink to="/admin/mailbox" className={link}>Mailbox</NavLink>
      </nav>
      <Outlet />
    </div>
  );
}

const PRODUCT_FIELDS = ["name", "slug", "sku", "category", "brand", "price", "description", "initial_stock"] as const;
type PF = (typeof PRODUCT_FIELDS)[number];

interface Draft {
  name: string;
  slug: string;
  sku: string;
  category: string;
  brand: string;
  price: string;
  currency: string;
  description: string;
  initial_stock: string;
}

const BLANK: Draft = { name: "", slug: "", sku: "", category: "", brand: "", price: "", currency: "USD", description: "", initial_stock: "0" };

function slugify(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60);
}

function ProductForm({ product, onDone }: { product?: Product; onDone: (p: Product) => void }) {
  const { api } = useSession();
  const categories = useLoad((s) => api.get<{ items: { slug: string; name: string }[] }>("/categories", s), [api]);
  const [d, setD] = useState<Draft>(
    product
      ? { name: product.name, slug: product.slug, sku: product.sku, category: product.category, brand: product.brand, price: toMajorInput(product.price.amount_minor, product.price.currency), currency: product.price.currency, description: product.description, initial_stock: "0" }
      : BLANK,
  );
  const [errors, setErrors] = useState<Errors<PF>>({});
  const [busy, setBusy] = useState(false);
  const set = (k: keyof Draft) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setD({ ...d, [k]: e.target.value, ...(k === "name" && !product ? { slug: slugify(e.target.value) } : {}) });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const price = parseMajor(d.price, d.currency);
    const stock = Number(d.initial_stock);
    const found: Errors<PF> = {
      name: required(d.name, "a name"),
      slug: /^[a-z0-9]+(-[a-z0-9]+)*$/.test(d.slug) ? undefined : "Use lower-case letters, digits and dashes.",
      sku: required(d.sku, "a SKU"),
      category: required(d.category, "a category"),
      brand: required(d.brand, "a brand"),
      price: price === null || price <= 0 ? "Enter a price like 19.99." : undefined,
      initial_stock: product || (Number.isInteger(stock) && stock >= 0) ? undefined : "Enter a whole number, 0 or more.",
    };
    setErrors(found);
    if (hasErrors(found) || price === null) return;
    const body: Record<string, unknown> = {
      name: d.name.trim(),
      slug: d.slug,
      sku: d.sku.trim(),
      category: d.category,
      brand: d.brand.trim(),
      price: { amount_minor: price, currency: d.currency },
      description: d.description.trim(),
    };
    setBusy(true);
    try {
      const saved = product ? await api.patch<Product>(`/products/${product.id}`, body) : await api.post<Product>("/products", { ...body, initial_stock: stock });
      onDone(saved);
    } catch (err) {
      setErrors(serverErrors(err, PRODUCT_FIELDS, { invalid_price: "price", invalid_currency: "price", invalid_quantity: "initial_stock" }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate className="grid gap-3 sm:grid-cols-2">
      <Field label="Name" value={d.name} onChange={set("name")} error={errors.name} />
      <Field label="Slug" value={d.slug} onChange={set("slug")} error={errors.slug} />
      <Field label="SKU" value={d.sku} onChange={set("sku")} error={errors.sku} />
      <Field label="Brand" value={d.brand} onChange={set("brand")} error={errors.brand} />
      <div>
        <Select label="Category" value={d.category} onChange={set("category")}>
          <option value="">Choose…</option>
          {categories.data?.items.map((c) => (
            <option key={c.slug} value={c.slug}>
              {c.name}
            </option>
          ))}
        </Select>
        {errors.category && <p className="text-sm text-red-700">{errors.category}</p>}
      </div>
      <div className="flex gap-2">
        <Field label="Price" inputMode="decimal" value={d.price} onChange={set("price")} error={errors.price} className="flex-1" />
        <Select label="Currency" value={d.currency} onChange={set("currency")}>
          <option>USD</option>
          <option>EUR</option>
          <option>GBP</option>
        </Select>
      </div>
      <Field label="Description" value={d.description} onChange={set("description")} error={errors.description} className="sm:col-span-2" />
      {!product && <Field label="Initial stock" type="number" min={0} value={d.initial_stock} onChange={set("initial_stock")} error={errors.initial_stock} />}
      {errors.form && <p role="alert" className="text-sm text-red-700 sm:col-span-2">{errors.form}</p>}
      <div className="sm:col-span-2">
        <Button type="submit" busy={busy}>
          {product ? "Save product" : "Create product"}
        </Button>
      </div>
    </form>
  );
}

interface Stock {
  product_id: string;
  on_hand: number;
  reserved: number;
  available: number;
}

function StockPanel({ product }: { product: Product }) {
  const { api } = useSession();
  const stock = useLoad((s) => api.get<Stock>(`/products/${product.id}/stock`, s), [api, product.id]);
  const [delta, setDelta] = useState("");
  const [reason, setReason] = useState("restock");
  const [note, setNote] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(delta);
    if (!Number.isInteger(n) || n === 0) {
      setError("Enter a whole number other than 0 (negative to remove).");
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      const next = await api.post<Stock>(`/products/${product.id}/stock`, { delta: n, reason, ...(note.trim() ? { note: note.trim() } : {}) });
      stock.setData(next);
      setDelta("");
      setNote("");
    } catch (err) {
      setError(serverErrors(err, [] as const).form);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="rounded-lg border border-stone-200 bg-white p-4" aria-label={`Stock of ${product.name}`}>
      <h3 className="mb-2 font-semibold">Stock</h3>
      {stock.loading && <Loading />}
      <ErrorNotice error={stock.error} onRetry={stock.reload} />
      {stock.data && (
        <p className="mb-3 text-sm" data-testid="stock-levels">
          On hand <strong>{stock.data.on_hand}</strong> · reserved <strong>{stock.data.reserved}</strong> · available <strong>{stock.data.available}</strong>
        </p>
      )}
      <form onSubmit={submit} noValidate className="flex flex-wrap items-end gap-2">
        <Field label="Change by" type="number" value={delta} onChange={(e) => setDelta(e.target.value)} className="w-28" />
        <Select label="Reason" value={reason} onChange={(e) => setReason(e.target.value)}>
          <option value="restock">Restock</option>
          <option value="return">Return</option>
          <option value="shrinkage">Shrinkage</option>
          <option value="correction">Correction</option>
        </Select>
        <Field label="Note (optional)" value={note} onChange={(e) => setNote(e.target.value)} />
        <Button type="submit" busy={busy}>
          Adjust stock
        </Button>
      </form>
      {error && <p role="alert" className="mt-2 text-sm text-red-700">{error}</p>}
    </section>
  );
}

export function AdminProducts() {
  useTitle("Admin · Products");
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const [text, setText] = useState(q);
  const list = useLoad((s) => api.get<ProductPage>(`/products?limit=50${q ? `&q=${encodeURIComponent(q)}` : ""}`, s), [api, q]);
  const [selected, setSelected] = useState<Product | null>(null);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const deactivate = async (p: Product) => {
    if (!window.confirm(`Deactivate ${p.name}? It disappears from the shop.`)) return;
    setError(null);
    try {
      await api.del(`/products/${p.id}`);
      setNotice(`${p.name} is deactivated.`);
      setSelected(null);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <PageTitle>Products</PageTitle>
        <Button onClick={() => { setCreating(true); setSelected(null); }}>New product</Button>
      </div>
      {notice && <Notice tone="ok">{notice}</Notice>}
      <ErrorNotice error={error} />
      {creating && (
        <section className="mb-6 rounded-lg border border-stone-200 bg-white p-4">
          <h2 className="mb-3 text-lg font-semibold">New product</h2>
          <ProductForm
            onDone={(p) => {
              setCreating(false);
              setNotice(`${p.name} is created.`);
              setSelected(p);
              list.reload();
            }}
          />
        </section>
      )}
      {selected && (
        <section className="mb-6 flex flex-col gap-4 rounded-lg border-2 border-brand-600 bg-stone-50 p-4" aria-label={`Editing ${selected.name}`}>
          <div className="flex items-center justify-between">
            <h2 className="text-lg font-semibold">{selected.name}</h2>
            <div className="flex gap-2">
              <Button kind="danger" onClick={() => deactivate(selected)}>Deactivate</Button>
              <Button kind="secondary" onClick={() => setSelected(null)}>Close</Button>
            </div>
          </div>
          <StockPanel product={selected} />
          <ProductForm
            key={selected.id}
            product={selected}
            onDone={(p) => {
              setSelected(p);
              setNotice(`${p.name} is saved.`);
              list.reload();
            }}
          />
        </section>
      )}
      <form
        role="search"
        className="mb-3 flex max-w-md gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setParams(text.trim() ? { q: text.trim() } : {});
        }}
      >
        <Field label="Find products" value={text} onChange={(e) => setText(e.target.value)} className="flex-1" />
        <Button type="submit" kind="secondary" className="self-end">
          Find
        </Button>
      </form>
      {list.loading && <Loading />}
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.data && list.data.items.length === 0 && <Empty title="No products found" />}
      {list.data && list.data.items.length > 0 && (
        <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-stone-100">
              <tr>
                <th scope="col" className="p-2">Name</th>
                <th scope="col" className="p-2">SKU</th>
                <th scope="col" className="p-2">Category</th>
                <th scope="col" className="p-2 text-right">Price</th>
                <th scope="col" className="p-2 text-right">Available</th>
                <th scope="col" className="p-2"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((p) => (
                <tr key={p.id} className="border-t border-stone-200">
                  <td className="p-2">{p.name}</td>
                  <td className="p-2 font-mono text-xs">{p.sku}</td>
                  <td className="p-2">{p.category}</td>
                  <td className="p-2 text-right"><Price minor={p.price.amount_minor} currency={p.price.currency} /></td>
                  <td className="p-2 text-right">{p.available}</td>
                  <td className="p-2 text-right">
                    <button type="button" className="font-medium text-brand-700 hover:underline" onClick={() => { setSelected(p); setCreating(false); window.scrollTo({ top: 0 }); }} aria-label={`Manage ${p.name}`}>
                      Manage
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

const STATUSES: OrderStatus[] = ["pending", "paid", "shipped", "delivered", "cancelled"];

export function AdminOrders() {
  useTitle("Admin · Orders");
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const status = params.get("status") ?? "";
  const list = useLoad((s) => api.get<Paged<Order>>(`/admin/orders?limit=50${status ? `&status=${status}` : ""}`, s), [api, status]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const move = async (o: Order, to: OrderStatus) => {
    setBusy(o.id);
    setError(null);
    try {
      await api.post(`/admin/orders/${o.id}/status`, { status: to });
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <PageTitle>Orders</PageTitle>
      <Select label="Status" value={status} onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {})} className="mb-4 max-w-xs">
        <option value="">All statuses</option>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </Select>
      <ErrorNotice error={error} />
      {list.loading && <Loading />}
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.data && list.data.items.length === 0 && <Empty title="No orders" />}
      {list.data && list.data.items.length > 0 && (
        <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-stone-100">
              <tr>
                <th scope="col" className="p-2">Order</th>
                <th scope="col" className="p-2">Customer</th>
                <th scope="col" className="p-2">Placed</th>
                <th scope="col" className="p-2">Status</th>
                <th scope="col" className="p-2 text-right">Total</th>
                <th scope="col" className="p-2"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((o) => {
                const next = nextStatus(o.status);
                return (
                  <tr key={o.id} className="border-t border-stone-200" data-testid="admin-order">
                    <td className="p-2 font-mono">{shortId(o.id)}</td>
                    <td className="p-2">{o.customer?.name ?? o.name ?? (o.user_id ? shortId(o.user_id) : "Deleted account")} <span className="text-stone-500">{o.customer?.email ?? o.email ?? ""}</span></td>
                    <td className="p-2">{formatDate(o.created_ms)}</td>
                    <td className="p-2"><StatusBadge status={o.status} /></td>
                    <td className="p-2 text-right"><Price minor={totalsOf(o).total_minor} currency={o.currency} /></td>
                    <td className="flex justify-end gap-2 p-2">
                      {next && (
                        <Button kind="secondary" busy={busy === o.id} onClick={() => move(o, next)} aria-label={`Mark order ${shortId(o.id)} ${next}`}>
                          Mark {next}
                        </Button>
                      )}
                      {(o.status === "pending" || o.status === "paid") && (
                        <Button kind="danger" disabled={busy === o.id} onClick={() => move(o, "cancelled")} aria-label={`Cancel order ${shortId(o.id)}`}>
                          Cancel
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function AdminMailbox() {
  useTitle("Admin · Mailbox");
  const { api } = useSession();
  const list = useLoad((s) => api.get<Paged<MailMessage> | MailMessage[]>("/admin/mailbox?limit=50", s), [api]);
  const [open, setOpen] = useState<string | null>(null);
  const items = Array.isArray(list.data) ? list.data : (list.data?.items ?? []);
  return (
    <>
      <PageTitle sub="Every email the shop would have sent.">Mailbox</PageTitle>
      {list.loading && <Loading />}
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.data && items.length === 0 && <Empty title="No mail yet" />}
      <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white">
        {items.map((m) => (
          <li key={m.id} className="p-3">
            <button type="button" className="flex w-full flex-wrap justify-between gap-2 text-left" aria-expanded={open === m.id} onClick={() => setOpen(open === m.id ? null : m.id)}>
              <span className="font-medium">{m.subject}</span>
              <span className="text-sm text-stone-600">
                to {m.to} · {formatDate(m.created_ms)}
              </span>
            </button>
            {open === m.id && <pre className="mt-2 whitespace-pre-wrap rounded bg-stone-100 p-3 text-sm">{m.text ?? m.body}</pre>}
          </li>
        ))}
      </ul>
    </>
  );
}
