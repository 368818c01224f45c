// Form validation before submit, and a server's refusal mapped back onto the field it is
// about: the service may name it (`field`), or its code may (`invalid_email` → `email`).

import { ApiError, errorMessage } from "./api";

export type Errors<K extends string> = Partial<Record<K | "form", string>>;

/** Spread a server error over the form's fields; whatever names no field goes to `form`. */
export function serverErrors<K extends string>(e: unknown, fields: readonly K[], aliases: Record<string, K> = {}): Errors<K> {
  if (e instanceof ApiError) {
    const named = e.field ?? aliases[e.code] ?? e.code.replace(/^(invalid|missing|weak|duplicate)_/, "");
    const field = (fields as readonly string[]).includes(named) ? (named as K) : aliases[named];
    if (field) return { [field]: e.message } as Errors<K>;
  }
  return { form: errorMessage(e) } as Errors<K>;
}

export function hasErrors(errors: Record<string, string | undefined>): boolean {
  return Object.values(errors).some(Boolean);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(email: string): string | undefined {
  if (!email.trim()) return "Enter your email address.";
  if (!EMAIL.test(email.trim())) return "Enter an email address like name@example.com.";
  return undefined;
}

/** The user service's rule (docs/services/user.md): at least 12 characters. */
export const MIN_PASSWORD = 12;

export function checkPassword(password: string): string | undefined {
  if (!password) return "Enter a password.";
  if (password.length < MIN_PASSWORD) return `Use at least ${MIN_PASSWORD} characters.`;
  return undefined;
}

export function required(value: string, what: string): string | undefined {
  return value.trim() ? undefined : `Enter ${what}.`;
}
