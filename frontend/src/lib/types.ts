// Shapes of the public API's answers (docs/openapi.yaml and the service pages), as far as
// the shop reads them.

export interface Money {
  amount_minor: number;
  currency: string;
}

export interface Product {
  id: string;
  slug: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  brand: string;
  price: Money;
  images: string[];
  attributes: Record<string, string>;
  active: boolean;
  created_ms: number;
  updated_ms: number;
  available: number;
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface ProductPage {
  items: Product[];
  total: number;
  total_exact?: boolean;
  next_cursor?: string | null;
  limit: number;
  facets?: {
    categories: FacetCount[];
    brands: FacetCount[];
    price_bands: { min: number; max: number | null; count: number }[];
  };
}

export interface Category {
  slug: string;
  name: string;
  description?: string;
  position?: number;
}

export interface Totals {
  subtotal_minor: number;
  tax_minor: number;
  shipping_minor: number;
  total_minor: number;
}

export interface CartLine {
  product_id: string;
  name: string | null;
  sku: string | null;
  slug: string | null;
  image: string | null;
  quantity: number;
  unit_price_minor: number;
  line_total_minor: number;
  added_unit_price_minor: number;
  price_changed: boolean;
  available: number;
  availability: "in_stock" | "insufficient_stock" | "unavailable";
  changed: boolean;
}

export interface Cart extends Partial<Totals> {
  currency: string | null;
  lines: CartLine[];
  item_count: number;
  changed: boolean;
  totals?: Totals;
}

export type OrderStatus = "pending" | "paid" | "shipped" | "delivered" | "cancelled";

export interface Address {
  id?: string;
  name: string;
  /** How the services store the name on an order or a saved address. */
  recipient?: string;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postal_code: string;
  country: string;
  is_default?: boolean;
}

export interface OrderLine {
  product_id: string;
  name: string;
  sku: string;
  quantity: number;
  unit_price_minor: number;
  line_total_minor: number;
}

export interface Order extends Partial<Totals> {
  id: string;
  seq?: number;
  status: OrderStatus;
  currency: string;
  totals?: Totals;
  email?: string;
  name?: string;
  shipping_address?: Address;
  cancel_reason?: string | null;
  created_ms: number;
  updated_ms?: number;
  item_count?: number;
  lines?: OrderLine[];
  history?: { status: OrderStatus; at_ms: number }[];
  status_history?: { status: OrderStatus; at_ms: number }[];
  customer?: { email: string; name: string };
  user_id?: string | null;
  can_cancel?: boolean;
}

export interface Paged<T> {
  items: T[];
  next_cursor?: string | null;
  total?: number;
}

export interface User {
  id: string;
  email: string;
  display_name: string;
  role: "customer" | "admin";
  created_ms?: number;
}

export interface Session {
  id: string;
  user_agent?: string;
  created_ms: number;
  last_used_ms: number;
  current?: boolean;
}

export interface Notification {
  id: string;
  kind?: string;
  type?: string;
  title?: string;
  subject?: string;
  body?: string;
  message?: string;
  order_id?: string | null;
  /** The shop page it is about (`/orders/{id}`). */
  link?: string | null;
  read: boolean;
  read_ms?: number | null;
  created_ms: number;
}

export interface MailMessage {
  id: string;
  to: string;
  subject: string;
  body?: string;
  text?: string;
  created_ms: number;
}

/** Totals whether the service nests them or puts them at the top level. */
export function totalsOf(x: Partial<Totals> & { totals?: Totals }): Totals {
  const t = x.totals ?? x;
  return {
    subtotal_minor: t.subtotal_minor ?? 0,
    tax_minor: t.tax_minor ?? 0,
    shipping_minor: t.shipping_minor ?? 0,
    total_minor: t.total_minor ?? 0,
  };
}

/** The order life cycle in display order (docs/services/order.md). */
export const ORDER_FLOW: OrderStatus[] = ["pending", "paid", "shipped", "delivered"];

/** Statuses an order may still be cancelled from. */
export const CANCELLABLE: OrderStatus[] = ["pending", "paid"];

/** The next status an admin may move an order to, if any. */
export function nextStatus(s: OrderStatus): OrderStatus | null {
  const i = ORDER_FLOW.indexOf(s);
  return i >= 0 && i < ORDER_FLOW.length - 1 ? (ORDER_FLOW[i + 1] ?? null) : null;
}

/** An address as the user service keeps it (`recipient`, optional label and phone). */
export interface SavedAddress {
  id: string;
  label?: string | null;
  recipient: string;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postal_code: string;
  country: string;
  phone?: string | null;
  is_default: boolean;
}

/** The shop's address shape (the order service's `name`) from a saved one. */
export function fromSaved(a: SavedAddress): Address {
  return {
    id: a.id,
    name: a.recipient,
    line1: a.line1,
    line2: a.line2 ?? "",
    city: a.city,
    region: a.region ?? "",
    postal_code: a.postal_code,
    country: a.country,
    is_default: a.is_default,
  };
}

/** The user service's body for an address typed into the shop's form. */
export function toSaved(a: Address): Record<string, unknown> {
  const out: Record<string, unknown> = {
    recipient: a.name,
    line1: a.line1,
    city: a.city,
    postal_code: a.postal_code,
    country: a.country,
  };
  out.line2 = a.line2 ? a.line2 : null;
  out.region = a.region ? a.region : null;
  return out;
}
