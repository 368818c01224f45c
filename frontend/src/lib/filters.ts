// The catalog's state lives in the URL (`/catalog?q=lamp&category=lamps&brand=Lumo&min=10`),
// so a search can be shared and the back button returns to the previous one. This module
// is the only place that reads or writes those parameters, and the only place that turns
// them into the product API's query (docs/services/product.md, Listing and search).

import { parseMajor, toMajorInput } from "./money";

export const SORTS = ["relevance", "newest", "price_asc", "price_desc", "name"] as const;
export type Sort = (typeof SORTS)[number];

export const PAGE_SIZE = 24;

/** Prices in the URL are major units of the shop currency. */
const CURRENCY = "USD";

export interface Filters {
  q: string;
  category: string;
  brands: string[];
  /** Minor units, or null for no bound. */
  minPrice: number | null;
  maxPrice: number | null;
  inStock: boolean;
  /** null: the API's default (relevance with a search text, newest without). */
  sort: Sort | null;
  /** The page's cursor (absent on the first page) and its number, for display. */
  cursor: string | null;
  page: number;
}

export const EMPTY: Filters = {
  q: "",
  category: "",
  brands: [],
  minPrice: null,
  maxPrice: null,
  inStock: false,
  sort: null,
  cursor: null,
  page: 1,
};

/** Filters from the URL; anything malformed is dropped rather than sent to the API. */
export function parseFilters(sp: URLSearchParams): Filters {
  const sort = sp.get("sort");
  const page = Number(sp.get("page") ?? "1");
  const cursor = sp.get("cursor");
  const q = (sp.get("q") ?? "").trim();
  const validSort = SORTS.includes(sort as Sort) ? (sort as Sort) : null;
  return {
    q,
    category: sp.get("category") ?? "",
    brands: [...new Set(sp.getAll("brand").filter(Boolean))].slice(0, 20),
    minPrice: parseMajor(sp.get("min") ?? "", CURRENCY),
    maxPrice: parseMajor(sp.get("max") ?? "", CURRENCY),
    inStock: sp.get("in_stock") === "true",
    // relevance needs a search text; the API refuses it otherwise.
    sort: validSort === "relevance" && !q ? null : validSort,
    cursor: cursor || null,
    page: cursor && Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** The URL parameters for `f` (only what differs from the defaults). */
export function toSearch(f: Filters): URLSearchParams {
  const sp = new URLSearchParams();
  if (f.q) sp.set("q", f.q);
  if (f.category) sp.set("category", f.category);
  for (const b of f.brands) sp.append("brand", b);
  if (f.minPrice !== null) sp.set("min", toMajorInput(f.minPrice, CURRENCY));
  if (f.maxPrice !== null) sp.set("max", toMajorInput(f.maxPrice, CURRENCY));
  if (f.inStock) sp.set("in_stock", "true");
  if (f.sort) sp.set("sort", f.sort);
  if (f.cursor) {
    sp.set("cursor", f.cursor);
    sp.set("page", String(f.page));
  }
  return sp;
}

/**
 * A change to the filters: any change other than the page itself starts again at the
 * first page, since a cursor belongs to its query.
 */
export function update(f: Filters, change: Partial<Filters>): Filters {
  const next = { ...f, ...change };
  const paging = "cursor" in change || "page" in change;
  if (!paging) {
    next.cursor = null;
    next.page = 1;
  }
  if (next.sort === "relevance" && !next.q) next.sort = null;
  return next;
}

/** The product API's query string for `f`. */
export function toApiQuery(f: Filters, limit = PAGE_SIZE): string {
  const sp = new URLSearchParams();
  if (f.q) sp.set("q", f.q);
  if (f.category) sp.set("category", f.category);
  for (const b of f.brands) sp.append("brand", b);
  if (f.minPrice !== null) sp.set("min_price", String(f.minPrice));
  if (f.maxPrice !== null) sp.set("max_price", String(f.maxPrice));
  if (f.inStock) sp.set("in_stock", "true");
  if (f.sort) sp.set("sort", f.sort);
  sp.set("limit", String(limit));
  if (f.cursor) sp.set("cursor", f.cursor);
  sp.set("facets", "true");
  return sp.toString();
}

/** Whether any filter (not the page) is set. */
export function isFiltered(f: Filters): boolean {
  return Boolean(f.q || f.category || f.brands.length || f.minPrice !== null || f.maxPrice !== null || f.inStock);
}
