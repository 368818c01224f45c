import { useEffect, useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router-dom";
import { Button, Empty, ErrorNotice, Field, Loading, ProductCard, Select } from "../components/ui";
import { type Filters, type Sort, isFiltered, parseFilters, toApiQuery, toSearch, update } from "../lib/filters";
import { useLoad, useTitle } from "../lib/hooks";
import { formatTotal, parseMajor, toMajorInput } from "../lib/money";
import type { Category, ProductPage } from "../lib/types";
import { useSession } from "../session";

const SORT_LABELS: Record<Sort, string> = {
  relevance: "Best match",
  newest: "Newest",
  price_asc: "Price: low to high",
  price_desc: "Price: high to low",
  name: "Name",
};

export function Catalog() {
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const filters = parseFilters(params);
  useTitle(filters.q ? `“${filters.q}”` : "Catalog");
  const apiQuery = toApiQuery(filters);
  const page = useLoad((s) => api.get<ProductPage>(`/products?${apiQuery}`, s), [api, apiQuery]);
  const categories = useLoad((s) => api.get<{ items: Category[] }>("/categories", s), [api]);

  const go = (change: Partial<Filters>) => setParams(toSearch(update(filters, change)));

  // The price inputs are edited locally and applied together.
  const [min, setMin] = useState(filters.minPrice === null ? "" : toMajorInput(filters.minPrice, "USD"));
  const [max, setMax] = useState(filters.maxPrice === null ? "" : toMajorInput(filters.maxPrice, "USD"));
  const [priceError, setPriceError] = useState<string>();
  useEffect(() => {
    setMin(filters.minPrice === null ? "" : toMajorInput(filters.minPrice, "USD"));
    setMax(filters.maxPrice === null ? "" : toMajorInput(filters.maxPrice, "USD"));
  }, [filters.minPrice, filters.maxPrice]);

  const applyPrice = (e: FormEvent) => {
    e.preventDefault();
    const lo = min.trim() ? parseMajor(min, "USD") : null;
    const hi = max.trim() ? parseMajor(max, "USD") : null;
    if ((min.trim() && lo === null) || (max.trim() && hi === null)) {
      setPriceError("Enter prices like 10 or 24.99.");
      return;
    }
    if (lo !== null && hi !== null && lo > hi) {
      setPriceError("The lowest price is above the highest.");
      return;
    }
    setPriceError(undefined);
    go({ minPrice: lo, maxPrice: hi });
  };

  const data = page.data;
  const brands = data?.facets?.brands ?? [];
  const shownBrands = [...new Set([...filters.brands, ...brands.map((b) => b.value)])];
  const total = data ? formatTotal(data.total, data.total_exact !== false) : "";
  const heading = filters.q ? `Results for “${filters.q}”` : filters.category ? (categories.data?.items.find((c) => c.slug === filters.category)?.name ?? "Catalog") : "Catalog";

  return (
    <div className="flex flex-col gap-6 lg:flex-row">
      <aside aria-label="Filters" className="flex w-full shrink-0 flex-col gap-5 lg:w-64">
        <Select label="Category" value={filters.category} onChange={(e) => go({ category: e.target.value })}>
          <option value="">All categories</option>
          {categories.data?.items.map((c) => (
            <option key={c.slug} value={c.slug}>
              {c.name}
            </option>
          ))}
        </Select>

        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 text-sm font-medium">Brand</legend>
          {shownBrands.length === 0 && <p className="text-sm text-stone-500">No brands for this search.</p>}
          <div className="flex max-h-56 flex-col gap-1 overflow-y-auto">
            {shownBrands.map((b) => {
              const count = brands.find((x) => x.value === b)?.count;
              const checked = filters.brands.includes(b);
              return (
                <label key={b} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" checked={checked} onChange={() => go({ brands: checked ? filters.brands.filter((x) => x !== b) : [...filters.brands, b] })} />
                  <span>{b}</span>
                  {count !== undefined && <span className="text-stone-500">({count})</span>}
                </label>
              );
            })}
          </div>
        </fieldset>

        <form onSubmit={applyPrice} className="flex flex-col gap-2" aria-label="Price range">
          <div className="flex gap-2">
            <Field label="Min price ($)" inputMode="decimal" value={min} onChange={(e) => setMin(e.target.value)} className="w-1/2" name="min" />
            <Field label="Max price ($)" inputMode="decimal" value={max} onChange={(e) => setMax(e.target.value)} className="w-1/2" name="max" />
          </div>
          {priceError && (
            <p role="alert" className="text-sm text-red-700">
              {priceError}
            </p>
          )}
          <Button type="submit" kind="secondary">
            Apply price
          </Button>
        </form>

        <label className="flex items-center gap-2 text-sm font-medium">
          <input type="checkbox" checked={filters.inStock} onChange={(e) => go({ inStock: e.target.checked })} />
          In stock only
        </label>

        {isFiltered(filters) && (
          <Link to="/catalog" className="text-sm font-medium text-brand-700 hover:underline">
            Clear all filters
          </Link>
        )}
      </aside>

      <section className="min-w-0 flex-1" aria-labelledby="catalog-title">
        <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
          <div>
            <h1 id="catalog-title" className="text-2xl font-bold">
              {heading}
            </h1>
            <p className="text-sm text-stone-600" aria-live="polite" data-testid="result-total">
              {data ? `${total} ${data.total === 1 && data.total_exact !== false ? "product" : "products"}` : " "}
            </p>
          </div>
          <Select label="Sort by" value={filters.sort ?? (filters.q ? "relevance" : "newest")} onChange={(e) => go({ sort: e.target.value as Sort })}>
            {(Object.keys(SORT_LABELS) as Sort[])
              .filter((s) => s !== "relevance" || filters.q)
              .map((s) => (
                <option key={s} value={s}>
                  {SORT_LABELS[s]}
                </option>
              ))}
          </Select>
        </div>

        {page.loading && <Loading label="Loading products…" />}
        <ErrorNotice error={page.error} onRetry={page.reload} />
        {data && !page.loading && data.items.length === 0 && (
          <Empty title="No products match">
            Try fewer filters or another search. <Link to="/catalog" className="font-medium text-brand-700 underline">See everything</Link>
          </Empty>
        )}
        {data && !page.loading && data.items.length > 0 && (
          <>
            <ul className="grid grid-cols-2 gap-4 sm:grid-cols-3 xl:grid-cols-4" data-testid="product-grid">
              {data.items.map((p) => (
                <ProductCard key={p.id} product={p} />
              ))}
            </ul>
            <nav aria-label="Pages" className="mt-6 flex items-center justify-between">
              <Button
                kind="secondary"
                disabled={filters.page <= 1}
                onClick={() => ((location.state as { paged?: boolean } | null)?.paged ? navigate(-1) : go({ cursor: null, page: 1 }))}
              >
                ← Previous
              </Button>
              <span className="text-sm text-stone-600">Page {filters.page}</span>
              <Button
                kind="secondary"
                disabled={!data.next_cursor}
                onClick={() => {
                  setParams(toSearch(update(filters, { cursor: data.next_cursor ?? null, page: filters.page + 1 })), { state: { paged: true } });
                  window.scrollTo({ top: 0 });
                }}
              >
                Next →
              </Button>
            </nav>
          </>
        )}
      </section>
    </div>
  );
}
