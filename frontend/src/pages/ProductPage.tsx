import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { Button, ErrorNotice, Loading, Notice, Price, ProductImage, StockBadge } from "../components/ui";
import { ApiError } from "../lib/api";
import { useLoad, useTitle } from "../lib/hooks";
import type { Cart, Product } from "../lib/types";
import { useSession } from "../session";

/** The most of one product a cart line may ask for (the order service's cap). */
const MAX_QUANTITY = 99;

export function ProductPage() {
  const { slug = "" } = useParams();
  const { api, refreshCart } = useSession();
  const product = useLoad((s) => api.get<Product>(`/products/by-slug/${encodeURIComponent(slug)}`, s), [api, slug]);
  const [image, setImage] = useState(0);
  const [quantity, setQuantity] = useState(1);
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState(false);
  const [addError, setAddError] = useState<unknown>(null);
  const p = product.data;
  useTitle(p?.name ?? "Product");

  if (product.loading) return <Loading label="Loading product…" />;
  if (product.error instanceof ApiError && product.error.status === 404)
    return (
      <div className="py-10 text-center">
        <h1 className="text-2xl font-bold">Product not found</h1>
        <p className="mt-2 text-stone-600">It may have been removed from the catalog.</p>
        <Link to="/catalog" className="mt-4 inline-block font-medium text-brand-700 underline">
          Back to the catalog
        </Link>
      </div>
    );
  if (product.error || !p) return <ErrorNotice error={product.error} onRetry={product.reload} />;

  const max = Math.max(1, Math.min(p.available, MAX_QUANTITY));
  const add = async () => {
    setAdding(true);
    setAdded(false);
    setAddError(null);
    try {
      const cart = await api.post<Cart>("/cart/items", { product_id: p.id, quantity });
      refreshCart(cart && Array.isArray(cart.lines) ? cart : undefined);
      setAdded(true);
    } catch (e) {
      setAddError(e);
    } finally {
      setAdding(false);
    }
  };

  return (
    <article className="grid gap-8 md:grid-cols-2">
      <div>
        <ProductImage src={p.images[image]} alt={p.name} className="aspect-square w-full rounded-xl border border-stone-200" />
        {p.images.length > 1 && (
          <ul className="mt-3 flex gap-2" aria-label="More images">
            {p.images.map((src, i) => (
              <li key={src}>
                <button type="button" onClick={() => setImage(i)} aria-label={`Image ${i + 1}`} aria-pressed={i === image} className={`overflow-hidden rounded border-2 ${i === image ? "border-brand-600" : "border-transparent"}`}>
                  <ProductImage src={src} alt="" className="h-16 w-16" />
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="flex flex-col gap-4">
        <nav aria-label="Breadcrumb" className="text-sm text-stone-600">
          <Link to="/catalog" className="hover:underline">
            Catalog
          </Link>{" "}
          /{" "}
          <Link to={`/catalog?category=${encodeURIComponent(p.category)}`} className="hover:underline">
            {p.category}
          </Link>
        </nav>
        <p className="text-sm uppercase tracking-wide text-stone-500">{p.brand}</p>
        <h1 className="text-3xl font-bold">{p.name}</h1>
        <Price minor={p.price.amount_minor} currency={p.price.currency} className="text-2xl font-semibold" />
        <div data-testid="stock-state">
          <StockBadge available={p.available} />
        </div>
        {p.description && <p className="leading-relaxed text-stone-700">{p.description}</p>}
        {Object.keys(p.attributes).length > 0 && (
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            {Object.entries(p.attributes).map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="font-medium capitalize">{k}</dt>
                <dd className="text-stone-700">{String(v)}</dd>
              </div>
            ))}
          </dl>
        )}
        <p className="text-xs text-stone-500">SKU {p.sku}</p>
        {p.available > 0 ? (
          <div className="flex items-end gap-3">
            <div className="flex flex-col gap-1">
              <label htmlFor="quantity" className="text-sm font-medium">
                Quantity
              </label>
              <input
                id="quantity"
                type="number"
                min={1}
                max={max}
                value={quantity}
                onChange={(e) => setQuantity(Math.max(1, Math.min(max, Number(e.target.value) || 1)))}
                className="w-24 rounded-md border border-stone-300 px-3 py-2"
              />
            </div>
            <Button onClick={add} busy={adding}>
              Add to cart
            </Button>
          </div>
        ) : (
          <Notice tone="warn">Out of stock for now. Check back soon.</Notice>
        )}
        {added && (
          <Notice tone="ok">
            Added to your cart.{" "}
            <Link to="/cart" className="font-medium underline">
              View cart
            </Link>
          </Notice>
        )}
        <ErrorNotice error={addError} />
      </div>
    </article>
  );
}
