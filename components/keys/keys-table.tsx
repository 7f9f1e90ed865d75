"use client";

import { Button } from "@/components/ui/button";
import { formatDate, formatDateTime, formatMoney, formatRelative } from "@/lib/format";
import { Countdown } from "./countdown";
import { KeyCards } from "./key-cards";
import { KeyStatusBadge } from "./key-status-badge";
import type { KeyListProps } from "./types";

const th = "whitespace-nowrap px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-muted";
const td = "whitespace-nowrap px-3 py-3 align-top";

/** The keys as a table: what each is, whose, how recently used, where it stands and what it cost this month. */
export function KeysTable({ keys, tz, showOwner, canManage, onRotate, onRevoke }: KeyListProps) {
  return (
    <>
    <KeyCards keys={keys} tz={tz} showOwner={showOwner} canManage={canManage} onRotate={onRotate} onRevoke={onRevoke} />
    <div className="hidden overflow-x-auto rounded-lg border bg-surface shadow-xs md:block" tabIndex={0} role="region" aria-label="API keys">
      <table className="w-full text-sm" data-testid="keys-table">
        <thead className="border-b bg-surface-sunken">
          <tr>
            <th className={th}>Name</th>
            <th className={th}>Secret</th>
            {showOwner && <th className={th}>Owner</th>}
            <th className={th}>Created</th>
            <th className={th}>Last used</th>
            <th className={th}>Expires</th>
            <th className={th}>Status</th>
            <th className={`${th} text-right`}>Spend this month</th>
            <th className={th}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y">
          {keys.map((k) => {
            const live = k.status !== "revoked" && k.status !== "expired";
            return (
              <tr key={k.id} data-testid="key-row" data-key-id={k.id} data-key-name={k.name}>
                <td className={`${td} max-w-56`}>
                  <div className="truncate font-medium" title={k.name}>
                    {k.name}
                  </div>
                  <div className="truncate text-xs text-muted">{k.allowedModels ? k.allowedModels.join(", ") : "All models"}</div>
                </td>
                <td className={td}>
                  <code className="text-xs" data-testid="key-prefix">
                    {k.prefix}…
                  </code>
                  {k.status === "rotating" && k.previousPrefix && k.previousExpiresAt && (
                    <div className="mt-1 text-xs text-muted" data-testid="key-old-secret">
                      old <code>{k.previousPrefix}…</code> <Countdown until={k.previousExpiresAt} />
                    </div>
                  )}
                </td>
                {showOwner && <td className={`${td} max-w-48 truncate`}>{k.owner}</td>}
                <td className={td} title={formatDateTime(k.createdAt, tz)}>
                  {formatDate(k.createdAt, tz)}
                </td>
                <td className={td} title={k.lastUsedAt ? formatDateTime(k.lastUsedAt, tz) : undefined}>
                  {k.lastUsedAt ? formatRelative(k.lastUsedAt) : <span className="text-muted">Never</span>}
                </td>
                <td className={td}>{k.expiresAt ? formatDate(k.expiresAt, tz) : <span className="text-muted">Never</span>}</td>
                <td className={td}>
                  <KeyStatusBadge status={k.status} testId="key-status" />
                </td>
                <td className={`${td} text-right tabular-nums`} data-testid="key-spend">
                  {formatMoney(k.spendMonthNanos)}
                </td>
                <td className={`${td} text-right`}>
                  {live && canManage(k) && (
                    <div className="flex justify-end gap-1">
                      <Button variant="ghost" className="h-8 px-2" onClick={() => onRotate(k)} data-testid="key-rotate" aria-label={`Rotate ${k.name}`}>
                        Rotate
                      </Button>
                      <Button variant="ghost-danger" className="h-8 px-2" onClick={() => onRevoke(k)} data-testid="key-revoke" aria-label={`Revoke ${k.name}`}>
                        Revoke
                      </Button>
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
    </>
  );
}
