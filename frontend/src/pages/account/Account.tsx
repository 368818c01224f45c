import { useState, type FormEvent } from "react";
import { NavLink, Outlet } from "react-router-dom";
import { AddressForm } from "../../components/AddressForm";
import { Button, Empty, ErrorNotice, Field, Loading, Notice, PageTitle, formatDate } from "../../components/ui";
import { type Errors, checkPassword, hasErrors, required, serverErrors } from "../../lib/forms";
import { useLoad, useTitle } from "../../lib/hooks";
import { type SavedAddress, type Session, fromSaved, toSaved } from "../../lib/types";
import { useSession } from "../../session";
import { listOf } from "../Checkout";

export function AccountLayout() {
  const link = ({ isActive }: { isActive: boolean }) => `block rounded px-3 py-2 ${isActive ? "bg-brand-50 font-semibold text-brand-800" : "hover:bg-stone-100"}`;
  return (
    <div className="flex flex-col gap-6 md:flex-row">
      <nav aria-label="Account" className="md:w-52">
        <ul className="flex flex-wrap gap-1 md:flex-col">
          <li><NavLink end to="/account" className={link}>Profile</NavLink></li>
          <li><NavLink to="/account/orders" className={link}>Orders</NavLink></li>
          <li><NavLink to="/account/notifications" className={link}>Notifications</NavLink></li>
          <li><NavLink to="/account/addresses" className={link}>Addresses</NavLink></li>
          <li><NavLink to="/account/sessions" className={link}>Sessions</NavLink></li>
        </ul>
      </nav>
      <div className="min-w-0 flex-1">
        <Outlet />
      </div>
    </div>
  );
}

export function Profile() {
  useTitle("Profile");
  const { api, user, reloadUser } = useSession();
  const [name, setName] = useState(user?.display_name ?? "");
  const [saved, setSaved] = useState(false);
  const [errors, setErrors] = useState<Errors<"display_name">>({});
  const [busy, setBusy] = useState(false);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const found = { display_name: required(name, "your name") };
    setErrors(found);
    if (hasErrors(found)) return;
    setBusy(true);
    try {
      await api.patch("/me", { display_name: name.trim() });
      await reloadUser();
      setSaved(true);
    } catch (err) {
      setErrors(serverErrors(err, ["display_name"] as const));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <PageTitle sub={user?.email}>Profile</PageTitle>
      <form onSubmit={save} noValidate className="flex max-w-md flex-col gap-4">
        <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} error={errors.display_name} autoComplete="name" />
        {errors.form && <p role="alert" className="text-sm text-red-700">{errors.form}</p>}
        {saved && <Notice tone="ok">Saved.</Notice>}
        <Button type="submit" busy={busy} className="self-start">
          Save
        </Button>
      </form>
      <ChangePassword />
    </>
  );
}

function ChangePassword() {
  const { api } = useSession();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [errors, setErrors] = useState<Errors<"current_password" | "new_password">>({});
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    const found = { current_password: current ? undefined : "Enter your current password.", new_password: checkPassword(next) };
    setErrors(found);
    if (hasErrors(found)) return;
    setBusy(true);
    try {
      await api.post("/me/password", { current_password: current, new_password: next });
      setDone(true);
      setCurrent("");
      setNext("");
    } catch (err) {
      setErrors(serverErrors(err, ["current_password", "new_password"] as const, { invalid_credentials: "current_password", wrong_password: "current_password", password: "new_password" }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="mt-10 max-w-md" aria-labelledby="pw-title">
      <h2 id="pw-title" className="mb-3 text-lg font-semibold">
        Change password
      </h2>
      <form onSubmit={submit} noValidate className="flex flex-col gap-4">
        <Field label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={errors.current_password} />
        <Field label="New password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} error={errors.new_password} hint="At least 12 characters." />
        {errors.form && <p role="alert" className="text-sm text-red-700">{errors.form}</p>}
        {done && <Notice tone="ok">Password changed. Your other devices are signed out.</Notice>}
        <Button type="submit" busy={busy} className="self-start">
          Change password
        </Button>
      </form>
    </section>
  );
}

export function Addresses() {
  useTitle("Addresses");
  const { api } = useSession();
  const list = useLoad((s) => api.get<{ items: SavedAddress[] }>("/me/addresses", s), [api]);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const items = listOf(list.data).map(fromSaved);
  const remove = async (id: string) => {
    setError(null);
    try {
      await api.del(`/me/addresses/${encodeURIComponent(id)}`);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <PageTitle>Addresses</PageTitle>
      {list.loading && <Loading />}
      <ErrorNotice error={list.error ?? error} onRetry={list.reload} />
      {list.data && items.length === 0 && editing !== "new" && <Empty title="No saved addresses">Add one to check out faster.</Empty>}
      <ul className="my-4 flex flex-col gap-3">
        {items.map((a) => (
          <li key={a.id} className="rounded-lg border border-stone-200 bg-white p-4">
            {editing === a.id ? (
              <AddressForm
                initial={a}
                submitLabel="Save address"
                onCancel={() => setEditing(null)}
                onSubmit={async (value) => {
                  await api.patch(`/me/addresses/${encodeURIComponent(a.id ?? "")}`, toSaved(value));
                  setEditing(null);
                  list.reload();
                }}
              />
            ) : (
              <div className="flex flex-wrap items-start justify-between gap-2">
                <address className="not-italic">
                  <span className="font-medium">{a.name}</span>
                  <br />
                  {a.line1}
                  {a.line2 ? `, ${a.line2}` : ""}
                  <br />
                  {a.city} {a.region ?? ""} {a.postal_code}, {a.country}
                </address>
                <div className="flex gap-2">
                  <Button kind="secondary" onClick={() => setEditing(a.id ?? null)} aria-label={`Edit address ${a.line1}`}>
                    Edit
                  </Button>
                  <Button kind="danger" onClick={() => remove(a.id ?? "")} aria-label={`Delete address ${a.line1}`}>
                    Delete
                  </Button>
                </div>
              </div>
            )}
          </li>
        ))}
      </ul>
      {editing === "new" ? (
        <section className="rounded-lg border border-stone-200 bg-white p-4">
          <h2 className="mb-3 font-semibold">New address</h2>
          <AddressForm
            submitLabel="Add address"
            onCancel={() => setEditing(null)}
            onSubmit={async (value) => {
              await api.post("/me/addresses", toSaved(value));
              setEditing(null);
              list.reload();
            }}
          />
        </section>
      ) : (
        <Button onClick={() => setEditing("new")}>Add an address</Button>
      )}
    </>
  );
}

export function Sessions() {
  useTitle("Sessions");
  const { api } = useSession();
  const list = useLoad((s) => api.get<Session[] | { items: Session[] }>("/me/sessions", s), [api]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const items = listOf(list.data);
  const act = async (paths: string[], message: string) => {
    setError(null);
    setNotice(null);
    try {
      for (const path of paths) await api.del(path);
      setNotice(message);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <PageTitle sub="Where your account is signed in.">Sessions</PageTitle>
      {list.loading && <Loading />}
      <ErrorNotice error={list.error ?? error} onRetry={list.reload} />
      {notice && <Notice tone="ok">{notice}</Notice>}
      <ul className="my-4 divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white">
        {items.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 p-4">
            <div>
              <p className="font-medium">
                {s.user_agent || "Unknown device"} {s.current && <span className="ml-1 rounded bg-emerald-100 px-2 py-0.5 text-xs text-emerald-900">This device</span>}
              </p>
              <p className="text-sm text-stone-600">
                Signed in {formatDate(s.created_ms)} · last used {formatDate(s.last_used_ms)}
              </p>
            </div>
            {!s.current && (
              <Button kind="secondary" onClick={() => act([`/me/sessions/${encodeURIComponent(s.id)}`], "That device is signed out.")}>
                Sign out
              </Button>
            )}
          </li>
        ))}
      </ul>
      {items.filter((s) => !s.current).length > 0 && (
        <Button
          kind="danger"
          onClick={() =>
            // `DELETE /me/sessions` would end this session too; the others go one by one.
            act(
              items.filter((s) => !s.current).map((s) => `/me/sessions/${encodeURIComponent(s.id)}`),
              "Every other device is signed out.",
            )
          }
        >
          Sign out all other devices
        </Button>
      )}
    </>
  );
}
