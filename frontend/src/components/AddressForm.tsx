import { useState, type FormEvent } from "react";
import { Button, Field } from "./ui";
import { type Errors, hasErrors, required, serverErrors } from "../lib/forms";
import type { Address } from "../lib/types";

export const ADDRESS_FIELDS = ["name", "line1", "line2", "city", "region", "postal_code", "country"] as const;
type F = (typeof ADDRESS_FIELDS)[number];

export const BLANK: Address = { name: "", line1: "", line2: "", city: "", region: "", postal_code: "", country: "US" };

export function validateAddress(a: Address): Errors<F> {
  return {
    name: required(a.name, "the recipient’s name"),
    line1: required(a.line1, "the street address"),
    city: required(a.city, "the city"),
    postal_code: required(a.postal_code, "the postal code"),
    country: /^[A-Za-z]{2}$/.test(a.country.trim()) ? undefined : "Enter a two-letter country code, like US.",
  };
}

/** The address as the API takes it: trimmed, optional parts left out when empty. */
export function cleanAddress(a: Address): Address {
  const out: Address = {
    name: a.name.trim(),
    line1: a.line1.trim(),
    city: a.city.trim(),
    postal_code: a.postal_code.trim(),
    country: a.country.trim().toUpperCase(),
  };
  if (a.line2?.trim()) out.line2 = a.line2.trim();
  if (a.region?.trim()) out.region = a.region.trim();
  return out;
}

export function AddressFields({ value, onChange, errors }: { value: Address; onChange: (a: Address) => void; errors: Errors<F> }) {
  const set = (k: F) => (e: React.ChangeEvent<HTMLInputElement>) => onChange({ ...value, [k]: e.target.value });
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <Field label="Full name" autoComplete="name" value={value.name} onChange={set("name")} error={errors.name} className="sm:col-span-2" />
      <Field label="Street address" autoComplete="address-line1" value={value.line1} onChange={set("line1")} error={errors.line1} className="sm:col-span-2" />
      <Field label="Apartment, suite (optional)" autoComplete="address-line2" value={value.line2 ?? ""} onChange={set("line2")} error={errors.line2} className="sm:col-span-2" />
      <Field label="City" autoComplete="address-level2" value={value.city} onChange={set("city")} error={errors.city} />
      <Field label="State or region (optional)" autoComplete="address-level1" value={value.region ?? ""} onChange={set("region")} error={errors.region} />
      <Field label="Postal code" autoComplete="postal-code" value={value.postal_code} onChange={set("postal_code")} error={errors.postal_code} />
      <Field label="Country code" autoComplete="country" maxLength={2} value={value.country} onChange={set("country")} error={errors.country} hint="Two letters, like US or GB." />
    </div>
  );
}

export function AddressForm({ initial = BLANK, submitLabel, onSubmit, onCancel }: { initial?: Address; submitLabel: string; onSubmit: (a: Address) => Promise<void>; onCancel?: () => void }) {
  const [value, setValue] = useState<Address>(initial);
  const [errors, setErrors] = useState<Errors<F>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = validateAddress(value);
    setErrors(found);
    if (hasErrors(found)) return;
    setBusy(true);
    try {
      await onSubmit(cleanAddress(value));
    } catch (err) {
      setErrors(serverErrors(err, ADDRESS_FIELDS, { recipient: "name" }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4">
      <AddressFields value={value} onChange={setValue} errors={errors} />
      {errors.form && (
        <p role="alert" className="text-sm text-red-700">
          {errors.form}
        </p>
      )}
      <div className="flex gap-2">
        <Button type="submit" busy={busy}>
          {submitLabel}
        </Button>
        {onCancel && (
          <Button kind="secondary" onClick={onCancel}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
