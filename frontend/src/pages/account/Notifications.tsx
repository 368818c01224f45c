import { useState } from "react";
import { Link } from "react-router-dom";
import { Button, Empty, ErrorNotice, Loading, PageTitle, formatDate } from "../../components/ui";
import { useLoad, useTitle } from "../../lib/hooks";
import type { Notification, Paged } from "../../lib/types";
import { useSession } from "../../session";

export function Notifications() {
  useTitle("Notifications");
  const { api, refreshUnread } = useSession();
  const list = useLoad((s) => api.get<Paged<Notification>>("/notifications?limit=50", s), [api]);
  const [error, setError] = useState<unknown>(null);
  const act = async (path: string) => {
    setError(null);
    try {
      await api.post(path, {});
      list.reload();
      refreshUnread();
    } catch (e) {
      setError(e);
    }
  };
  const items = list.data?.items ?? [];
  return (
    <>
      <div className="flex items-start justify-between gap-2">
        <PageTitle>Notifications</PageTitle>
        {items.some((n) => !n.read) && (
          <Button kind="secondary" onClick={() => act("/notifications/read-all")}>
            Mark all as read
          </Button>
        )}
      </div>
      {list.loading && <Loading label="Loading notifications…" />}
      <ErrorNotice error={list.error ?? error} onRetry={list.reload} />
      {list.data && items.length === 0 && <Empty title="Nothing new">Order updates will show up here.</Empty>}
      {items.length > 0 && (
        <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white" data-testid="notifications">
          {items.map((n) => (
            <li key={n.id} className={`flex items-start justify-between gap-3 p-4 ${n.read ? "" : "bg-brand-50"}`}>
              <div>
                <p className="font-medium">
                  {!n.read && <span className="sr-only">Unread: </span>}
                  {n.title ?? n.subject ?? n.kind ?? n.type ?? "Notification"}
                </p>
                {(n.body ?? n.message) && <p className="text-sm text-stone-700">{n.body ?? n.message}</p>}
                <p className="text-xs text-stone-500">{formatDate(n.created_ms)}</p>
                {(n.link ?? n.order_id) && (
                  <Link to={n.link ?? `/orders/${n.order_id}`} className="text-sm font-medium text-brand-700 hover:underline">
                    View order
                  </Link>
                )}
              </div>
              {!n.read && (
                <button type="button" onClick={() => act(`/notifications/${encodeURIComponent(n.id)}/read`)} className="shrink-0 text-sm font-medium text-brand-700 hover:underline">
                  Mark read
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
