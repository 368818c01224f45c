import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { Button, Field, Notice, PageTitle } from "../components/ui";
import { type Errors, checkEmail, checkPassword, hasErrors, required, serverErrors } from "../lib/forms";
import { useTitle } from "../lib/hooks";
import { useSession } from "../session";

/** Where to go after signing in: only a path inside the shop, never another site. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
      {message}
    </p>
  );
}

export function SignIn() {
  useTitle("Sign in");
  const { signIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors<"email" | "password">>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = { email: checkEmail(email), password: password ? undefined : "Enter your password." };
    setErrors(found);
    if (hasErrors(found)) return;
    setBusy(true);
    try {
      await signIn(email.trim(), password);
      navigate(safeNext(params.get("next")), { replace: true });
    } catch (err) {
      setErrors(serverErrors(err, ["email", "password"] as const));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle>Sign in</PageTitle>
      <form onSubmit={submit} noValidate className="flex flex-col gap-4">
        <FormError message={errors.form} />
        <Field label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} />
        <Field label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} />
        <Button type="submit" busy={busy}>
          Sign in
        </Button>
      </form>
      <p className="mt-4 flex justify-between text-sm">
        <Link to="/forgot-password" className="text-brand-700 hover:underline">
          Forgot your password?
        </Link>
        <Link to={`/register${params.get("next") ? `?next=${encodeURIComponent(params.get("next") ?? "")}` : ""}`} className="text-brand-700 hover:underline">
          Create an account
        </Link>
      </p>
    </div>
  );
}

export function Register() {
  useTitle("Create an account");
  const { register } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors<"display_name" | "email" | "password">>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = { display_name: required(name, "your name"), email: checkEmail(email), password: checkPassword(password) };
    setErrors(found);
    if (hasErrors(found)) return;
    setBusy(true);
    try {
      await register(email.trim(), password, name.trim());
      navigate(safeNext(params.get("next")), { replace: true });
    } catch (err) {
      setErrors(serverErrors(err, ["display_name", "email", "password"] as const, { email_taken: "email", conflict: "email", name: "display_name", invalid_name: "display_name", invalid_display_name: "display_name" }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle sub="Your cart comes with you.">Create an account</PageTitle>
      <form onSubmit={submit} noValidate className="flex flex-col gap-4">
        <FormError message={errors.form} />
        <Field label="Name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} error={errors.display_name} />
        <Field label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} />
        <Field label="Password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} hint="At least 12 characters." />
        <Button type="submit" busy={busy}>
          Create account
        </Button>
      </form>
      <p className="mt-4 text-sm">
        Already have one?{" "}
        <Link to="/signin" className="text-brand-700 hover:underline">
          Sign in
        </Link>
      </p>
    </div>
  );
}

export function ForgotPassword() {
  useTitle("Reset your password");
  const { api } = useSession();
  const [email, setEmail] = useState("");
  const [errors, setErrors] = useState<Errors<"email">>({});
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = { email: checkEmail(email) };
    setErrors(found);
    if (hasErrors(found)) return;
    setBusy(true);
    try {
      await api.post("/auth/password-reset", { email: email.trim() });
      setSent(true);
    } catch (err) {
      setErrors(serverErrors(err, ["email"] as const));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle sub="We will email you a link to choose a new one.">Forgot your password?</PageTitle>
      {sent ? (
        <Notice tone="ok">If an account uses {email.trim()}, a reset link is on its way. It works once and expires soon.</Notice>
      ) : (
        <form onSubmit={submit} noValidate className="flex flex-col gap-4">
          <FormError message={errors.form} />
          <Field label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} />
          <Button type="submit" busy={busy}>
            Send reset link
          </Button>
        </form>
      )}
    </div>
  );
}

export function ResetPassword() {
  useTitle("Choose a new password");
  const { api } = useSession();
  const [params] = useSearchParams();
  const [token, setToken] = useState(params.get("token") ?? "");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<Errors<"token" | "password" | "confirm">>({});
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = {
      token: required(token, "the code from the email"),
      password: checkPassword(password),
      confirm: confirm === password ? undefined : "The passwords do not match.",
    };
    setErrors(found);
    if (hasErrors(found)) return;
    setBusy(true);
    try {
      await api.post("/auth/password-reset/confirm", { token: token.trim(), new_password: password });
      setDone(true);
    } catch (err) {
      setErrors(serverErrors(err, ["token", "password"] as const, { invalid_reset_token: "token", new_password: "password" }));
    } finally {
      setBusy(false);
    }
  };
  if (done)
    return (
      <div className="mx-auto max-w-sm">
        <PageTitle>Password changed</PageTitle>
        <Notice tone="ok">Your password is changed and your other sessions are signed out.</Notice>
        <Link to="/signin" className="font-medium text-brand-700 underline">
          Sign in
        </Link>
      </div>
    );
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle>Choose a new password</PageTitle>
      <form onSubmit={submit} noValidate className="flex flex-col gap-4">
        <FormError message={errors.form} />
        {!params.get("token") && <Field label="Reset code" value={token} onChange={(e) => setToken(e.target.value)} error={errors.token} />}
        {params.get("token") && errors.token && <FormError message={errors.token} />}
        <Field label="New password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} hint="At least 12 characters." />
        <Field label="Repeat the new password" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.confirm} />
        <Button type="submit" busy={busy}>
          Change password
        </Button>
      </form>
    </div>
  );
}
