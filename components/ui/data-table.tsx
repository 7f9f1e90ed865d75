import Link from "next/link";

/*
 * A list of rows as a table on wide screens and as cards on phones, whose
 * headers sort it and whose pages follow one another by keyset (the server
 * gives the next page's cursor; see lib/console/keyset.ts). Sorting, filters
 * and pages live in the address, so every view can be linked and reloaded.
 */

export interface Column<R> {
  id: string;
  header: string;
  cell: (row: R) => React.ReactNode;
  /** The sort key this column's header sets, when the list sorts by it. */
  sort?: string;
  /** Which way a first click sorts: ascending, or descending for dates and amounts. */
  firstDesc?: boolean;
  align?: "right";
  className?: string;
}

const th = "whitespace-nowrap px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-muted";
const td = "px-3 py-3 align-top";

/** `path?query` with some parameters changed; empty ones are left out of the address. */
export function hrefWith(path: string, query: Record<string, string>, changes: Record<string, string> = {}): string {
  const params = new URLSearchParams(Object.entries({ ...query, ...changes }).filter(([, v]) => v !== ""));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function SortHeader<R>({ column, sort, sortHref }: { column: Column<R>; sort: string; sortHref: (sort: string) => string }) {
  const current = sort === column.sort || sort === `-${column.sort}`;
  const desc = sort.startsWith("-");
  const next = current ? (desc ? column.sort! : `-${column.sort}`) : column.firstDesc ? `-${column.sort}` : column.sort!;
  return (
    <th className={`${th} ${column.align === "right" ? "text-right" : ""}`} aria-sort={current ? (desc ? "descending" : "ascending") : undefined}>
      <Link href={sortHref(next)} className="inline-flex items-center gap-1 rounded-sm uppercase hover:text-foreground" data-testid={`sort-${column.id}`}>
        {column.header}
        <span aria-hidden="true" className={current ? "text-foreground" : "opacity-50"}>
          {current ? (desc ? "↓" : "↑") : "↕"}
        </span>
      </Link>
    </th>
  );
}

export function DataTable<R>({
  label,
  testId,
  rowTestId,
  rows,
  rowKey,
  columns,
  sort = "",
  sortHref,
  actions,
}: {
  /** What the rows are, for screen readers ("Accounts"). */
  label: string;
  testId: string;
  rowTestId: string;
  rows: R[];
  rowKey: (row: R) => string;
  columns: Column<R>[];
  /** The current sort ("name", "-created"). */
  sort?: string;
  sortHref?: (sort: string) => string;
  /** Buttons or links for a row, in a last column (at the foot of its card on phones). */
  actions?: (row: R) => React.ReactNode;
}) {
  const [title, ...rest] = columns;
  return (
    <>
      <ul className="space-y-3 md:hidden" aria-label={label} data-testid={`${testId}-cards`}>
        {rows.map((r) => (
          <li key={rowKey(r)} className="rounded-lg border bg-surface p-4 shadow-xs" data-testid={`${rowTestId}-card`} data-row-id={rowKey(r)}>
            <div className="min-w-0 font-medium">{title!.cell(r)}</div>
            <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-xs">
              {rest.map((c) => (
                <div key={c.id} className="contents">
                  <dt className="text-muted">{c.header}</dt>
                  <dd className="min-w-0 break-words">{c.cell(r)}</dd>
                </div>
              ))}
            </dl>
            {actions && <div className="mt-3 flex flex-wrap gap-2 border-t pt-3">{actions(r)}</div>}
          </li>
        ))}
      </ul>
      <div className="hidden overflow-x-auto rounded-lg border bg-surface shadow-xs md:block" tabIndex={0} role="region" aria-label={label}>
        <table className="w-full text-sm" data-testid={testId}>
          <thead className="border-b bg-surface-sunken">
            <tr>
              {columns.map((c) =>
                c.sort && sortHref ? (
                  <SortHeader key={c.id} column={c} sort={sort} sortHref={sortHref} />
                ) : (
                  <th key={c.id} className={`${th} ${c.align === "right" ? "text-right" : ""}`}>
                    {c.header}
                  </th>
                ),
              )}
              {actions && (
                <th className={th}>
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody className="divide-y">
            {rows.map((r) => (
              <tr key={rowKey(r)} data-testid={rowTestId} data-row-id={rowKey(r)}>
                {columns.map((c) => (
                  <td key={c.id} className={`${td} ${c.align === "right" ? "text-right tabular-nums" : ""} ${c.className ?? ""}`}>
                    {c.cell(r)}
                  </td>
                ))}
                {actions && (
                  <td className={`${td} text-right`}>
                    <div className="flex justify-end gap-1">{actions(r)}</div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Links to the first and the next page of a keyset-paged list. */
export function KeysetPager({ label, firstHref, nextHref, testId }: { label: string; firstHref: string | null; nextHref: string | null; testId: string }) {
  if (!firstHref && !nextHref) return null;
  return (
    <nav className="flex justify-end gap-4" aria-label={label}>
      {firstHref && (
        <Link className="text-sm underline underline-offset-2" href={firstHref} data-testid={`${testId}-first-page`}>
          First page
        </Link>
      )}
      {nextHref && (
        <Link className="text-sm underline underline-offset-2" href={nextHref} data-testid={`${testId}-next-page`}>
          Next page
        </Link>
      )}
    </nav>
  );
}
