// Prices arrive as integer minor units plus an ISO currency (docs/services/product.md); they
// are formatted here and nowhere else, never through floating-point arithmetic on amounts
// that are then sent back.

/** Digits after the decimal point for the currencies the shop sells in. */
const EXPONENT: Record<string, number> = { USD: 2, EUR: 2, GBP: 2, JPY: 0 };

export function exponent(currency: string): number {
  return EXPONENT[currency.toUpperCase()] ?? 2;
}

/** "$19.99" from (1999, "USD"). */
export function formatMoney(amountMinor: number, currency: string, locale = "en-US"): string {
  const digits = exponent(currency);
  const negative = amountMinor < 0;
  const abs = Math.abs(Math.trunc(amountMinor));
  const scale = 10 ** digits;
  const major = Math.floor(abs / scale);
  const minor = abs % scale;
  // Build the decimal string exactly, then let Intl place symbols and group separators.
  const text = digits === 0 ? `${major}` : `${major}.${String(minor).padStart(digits, "0")}`;
  const formatted = new Intl.NumberFormat(locale, {
    style: "currency",
    currency: currency.toUpperCase(),
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(Number(text));
  return negative ? `-${formatted}` : formatted;
}

/**
 * Minor units from what a person typed as a major amount ("19.99", "20", "1,250.5").
 * Returns null for anything that is not a non-negative amount with at most the currency's
 * digits after the point.
 */
export function parseMajor(input: string, currency: string): number | null {
  const digits = exponent(currency);
  const cleaned = input.trim().replace(/,/g, "");
  if (cleaned === "") return null;
  const match = /^(\d{1,12})(?:\.(\d*))?$/.exec(cleaned);
  if (!match) return null;
  const fraction = match[2] ?? "";
  if (fraction.length > digits) return null;
  const whole = Number(match[1]);
  const part = Number(fraction.padEnd(digits, "0") || "0");
  return whole * 10 ** digits + part;
}

/** "19.99" from 1999 (for a form's initial value). */
export function toMajorInput(amountMinor: number, currency: string): string {
  const digits = exponent(currency);
  if (digits === 0) return String(amountMinor);
  const scale = 10 ** digits;
  return `${Math.floor(amountMinor / scale)}.${String(amountMinor % scale).padStart(digits, "0")}`;
}

/** "1,234 results" or "10,000+ results" when the API says the count is an estimate. */
export function formatTotal(total: number, exact: boolean, locale = "en-US"): string {
  const n = new Intl.NumberFormat(locale).format(total);
  return exact ? n : `${n}+`;
}
