"use client";

import { Button } from "@/components/ui/button";
import { formatDate, formatMoney, formatRelative } from "@/lib/format";
import { Countdown } from "./countdown";
import { KeyStatusBadge } from "./key-status-badge";
import type { KeyListProps } from "./types";

/** The keys on a phone: one card each instead of a table too wide to read. */
export function KeyCards({ keys, tz, showOwner, canManage, onRotate, onRevoke }: KeyListProps) {
  return (
    <ul className="space-y-3 md:hidden" data-testid="key-cards">
      {keys.map((k) => {
        const live = k.status !== "revoked" && k.status !== "expired";
        return (
          <li key={k.id} className="rounded-lg border bg-surface p-4 shadow-xs" data-testid="key-card">
            <div className="flex items-start justify-between gap-2">
              <div className="min-w-0">
                <p className="truncate font-medium">{k.name}</p>
                <code className="text-xs text-muted">{k.prefix}…</code>
              </div>
              <KeyStatusBadge status={k.status} />
            </div>
            {k.status === "rotating" && k.previousPrefix && k.previousExpiresAt && (
              <p className="mt-1 text-xs text-muted">
                old <code>{k.previousPrefix}…</code> <Countdown until={k.previousExpiresAt} />
              </p>
            )}
            <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-xs">
              {showOwner && (
                <>
                  <dt className="text-muted">Owner</dt>
                  <dd className="truncate">{k.owner}</dd>
                </>
              )}
              <dt className="text-muted">Last used</dt>
              <dd>{k.lastUsedAt ? formatRelative(k.lastUsedAt) : "Never"}</dd>
              <dt className="text-muted">Expires</dt>
              <dd>{k.expiresAt ? formatDate(k.expiresAt, tz) : "Never"}</dd>
              <dt className="text-muted">Spend this month</dt>
              <dd className="tabular-nums">{formatMoney(k.spendMonthNanos)}</dd>
            </dl>
            {live && canManage(k) && (
              <div className="mt-3 flex gap-2 border-t pt-3">
                <Button variant="secondary" className="h-8 flex-1" onClick={() => onRotate(k)}>
                  Rotate
                </Button>
                <Button variant="ghost-danger" className="h-8 flex-1" onClick={() => onRevoke(k)}>
                  Revoke
                </Button>
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
