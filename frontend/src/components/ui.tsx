// Small building blocks shared by every page: states (loading, empty, error), form fields
// with labels and errors wired for screen readers, prices, stock badges, product cards.

import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from "react";
import { Link } from "react-router-dom";
import { errorMessage } from "../lib/api";
import { formatMoney } from "../lib/money";
import type { Product } from "../lib/types";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div role="status" aria-live="polite" className="flex items-center gap-3 py-10 text-stone-600">
      <span aria-hidden="true" className="h-5 w-5 animate-spin rounded-full border-2 border-stone-300 border-t-brand-600" />
      {label}
    </div>
  );
}

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div role="alert" className="my-4 rounded-md border border-red-300 bg-red-50 p-4 text-red-900">
      <p>{errorMessage(error)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry} className="mt-2 font-medium underline">
          Try again
        </button>
      )}
    </div>
  );
}

export function Notice({ children, tone = "info" }: { children: ReactNode; tone?: "info" | "warn" | "ok" }) {
  const tones = {
    info: "border-sky-300 bg-sky-50 text-sky-900",
    warn: "border-amber-300 bg-amber-50 text-amber-900",
    ok: "border-emerald-300 bg-emerald-50 text-emerald-900",
  };
  return (
    <div role="status" className={`my-4 rounded-md border p-4 ${tones[tone]}`}>
      {children}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-stone-300 bg-white p-10 text-center">
      <p className="text-lg font-semibold">{title}</p>
      {children && <div className="mt-2 text-stone-600">{children}</div>}
    </div>
  );
}

export function PageTitle({ children, sub }: { children: ReactNode; sub?: ReactNode }) {
  return (
    <div className="mb-6">
      <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">{children}</h1>
      {sub && <p className="mt-1 text-stone-600">{sub}</p>}
    </div>
  );
}

export function Price({ minor, currency, className = "" }: { minor: number; currency: string; className?: string }) {
  return <span className={`tabular-nums ${className}`}>{formatMoney(minor, currency)}</span>;
}

export function StockBadge({ available }: { available: number }) {
  if (available <= 0) return <span className="rounded bg-stone-200 px-2 py-0.5 text-sm font-medium text-stone-800">Out of stock</span>;
  if (available <= 5) return <span className="rounded bg-amber-100 px-2 py-0.5 text-sm font-medium text-amber-900">Only {available} left</span>;
  return <span className="rounded bg-emerald-100 px-2 py-0.5 text-sm font-medium text-emerald-900">In stock</span>;
}

export function ProductImage({ src, alt, className = "" }: { src?: string; alt: string; className?: string }) {
  if (!src) return <div className={`flex items-center justify-center bg-stone-200 text-stone-500 ${className}`} aria-label={alt} role="img">No image</div>;
  return <img src={src} alt={alt} loading="lazy" className={`bg-stone-100 object-cover ${className}`} />;
}

export function ProductCard({ product }: { product: Product }) {
  return (
    <li className="group relative flex flex-col overflow-hidden rounded-lg border border-stone-200 bg-white shadow-sm focus-within:ring-2 focus-within:ring-brand-600">
      <ProductImage src={product.images[0]} alt="" className="aspect-square w-full" />
      <div className="flex flex-1 flex-col gap-1 p-3">
        <p className="text-xs uppercase tracking-wide text-stone-500">{product.brand}</p>
        <h3 className="font-medium leading-snug">
          <Link to={`/products/${product.slug}`} className="after:absolute after:inset-0 hover:underline focus:outline-none">
            {product.name}
          </Link>
        </h3>
        <div className="mt-auto flex items-center justify-between pt-2">
          <Price minor={product.price.amount_minor} currency={product.price.currency} className="font-semibold" />
          {product.available <= 0 && <span className="text-xs text-stone-500">Out of stock</span>}
        </div>
      </div>
    </li>
  );
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  error?: string;
  hint?: string;
}

export function Field({ label, error, hint, className = "", ...input }: FieldProps) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`flex flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={`rounded-md border px-3 py-2 shadow-sm ${error ? "border-red-600" : "border-stone-300"}`}
        {...input}
      />
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-stone-600">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

interface SelectProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: string;
  children: ReactNode;
}

export function Select({ label, children, className = "", ...select }: SelectProps) {
  const id = useId();
  return (
    <div className={`flex flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <select id={id} className="rounded-md border border-stone-300 bg-white px-3 py-2 shadow-sm" {...select}>
        {children}
      </select>
    </div>
  );
}

const BUTTON = {
  primary: "bg-brand-600 text-white hover:bg-brand-700 disabled:bg-stone-400",
  secondary: "border border-stone-300 bg-white text-stone-900 hover:bg-stone-100 disabled:text-stone-400",
  danger: "border border-red-300 bg-white text-red-800 hover:bg-red-50 disabled:text-stone-400",
};

export function Button({
  kind = "primary",
  className = "",
  busy = false,
  children,
  ...rest
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { kind?: keyof typeof BUTTON; busy?: boolean }) {
  return (
    <button
      type="button"
      {...rest}
      disabled={rest.disabled || busy}
      aria-busy={busy || undefined}
      className={`inline-flex items-center justify-center gap-2 rounded-md px-4 py-2 font-medium disabled:cursor-not-allowed ${BUTTON[kind]} ${className}`}
    >
      {busy && <span aria-hidden="true" className="h-4 w-4 animate-spin rounded-full border-2 border-current border-t-transparent" />}
      {children}
    </button>
  );
}

export function formatDate(ms: number): string {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" }).format(new Date(ms));
}

export function shortId(id: string): string {
  return id.slice(0, 8).toUpperCase();
}
