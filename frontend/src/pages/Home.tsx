import { Link } from "react-router-dom";
import { ErrorNotice, Loading, ProductCard } from "../components/ui";
import { useLoad, useTitle } from "../lib/hooks";
import type { Category, ProductPage } from "../lib/types";
import { useSession } from "../session";

export function Home() {
  useTitle("");
  const { api } = useSession();
  const categories = useLoad((s) => api.get<{ items: Category[] }>("/categories", s), [api]);
  const arrivals = useLoad((s) => api.get<ProductPage>("/products?sort=newest&limit=8&in_stock=true", s), [api]);
  return (
    <div className="flex flex-col gap-10">
      <section className="rounded-2xl bg-gradient-to-br from-brand-700 to-brand-800 px-6 py-12 text-white sm:px-10">
        <h1 className="text-3xl font-extrabold tracking-tight sm:text-5xl">Good things, fairly priced.</h1>
        <p className="mt-3 max-w-xl text-lg text-brand-50">Lamps, shoes, kitchenware and more, shipped from our own warehouse.</p>
        <Link to="/catalog" className="mt-6 inline-block rounded-md bg-white px-5 py-2.5 font-semibold text-brand-800 hover:bg-brand-50">
          Browse the catalog
        </Link>
      </section>

      <section aria-labelledby="categories-title">
        <h2 id="categories-title" className="mb-4 text-xl font-bold">
          Shop by category
        </h2>
        {categories.loading && <Loading label="Loading categories…" />}
        <ErrorNotice error={categories.error} onRetry={categories.reload} />
        {categories.data && (
          <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
            {categories.data.items.map((c) => (
              <li key={c.slug}>
                <Link
                  to={`/catalog?category=${encodeURIComponent(c.slug)}`}
                  className="block rounded-lg border border-stone-200 bg-white p-4 font-medium shadow-sm hover:border-brand-600 hover:text-brand-700"
                >
                  {c.name}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="arrivals-title">
        <div className="mb-4 flex items-baseline justify-between">
          <h2 id="arrivals-title" className="text-xl font-bold">
            New arrivals
          </h2>
          <Link to="/catalog?sort=newest" className="text-sm font-medium text-brand-700 hover:underline">
            See all
          </Link>
        </div>
        {arrivals.loading && <Loading label="Loading new arrivals…" />}
        <ErrorNotice error={arrivals.error} onRetry={arrivals.reload} />
        {arrivals.data && (
          <ul className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4">
            {arrivals.data.items.map((p) => (
              <ProductCard key={p.id} product={p} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
