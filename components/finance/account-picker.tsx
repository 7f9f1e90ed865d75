"use client";

import Form from "next/form";
import Link from "next/link";

/** Superadmins pick the account (and month) whose figures they read. */
export function AccountPicker({
  action,
  accounts,
  accountId,
  months,
  month,
  more = false,
}: {
  action: string;
  /** The current account first, then the largest spenders. */
  accounts: { id: string; name: string }[];
  accountId: string;
  months: string[];
  month: string;
  /** Whether other accounts exist beyond the list: say where to find them. */
  more?: boolean;
}) {
  const field = "h-9 rounded-md border border-field-border bg-field px-2 text-sm shadow-xs";
  const submit = (e: React.ChangeEvent<HTMLSelectElement>) => e.currentTarget.form?.requestSubmit();
  return (
    <Form action={action} className="flex flex-wrap items-end gap-2" data-testid="finance-picker">
      {accounts.length > 1 && (
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Account
          <select name="account" defaultValue={accountId} className={`${field} max-w-64`} onChange={submit} data-testid="finance-account">
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="flex flex-col gap-1 text-xs font-medium text-muted">
        Month
        <select name="month" defaultValue={month} className={field} onChange={submit} data-testid="finance-month">
          {[...months].reverse().map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      {more && (
        <Link href="/accounts" className="inline-flex h-9 items-center text-sm text-muted underline-offset-2 hover:underline" data-testid="finance-find-account">
          Another account: open it from Accounts
        </Link>
      )}
      <noscript>
        <button type="submit">Show</button>
      </noscript>
    </Form>
  );
}
