import { formatCount, formatMoney } from "@/lib/format";
import type { UsageRow } from "@/lib/console/usage-table";

const th = "whitespace-nowrap px-3 py-2 text-right text-xs font-medium uppercase tracking-wide text-muted first:text-left";
const td = "whitespace-nowrap px-3 py-2 text-right tabular-nums first:text-left";

/** Figures per hour, day, model, key or user, with a totals row; the CSV export holds the same rows. */
export function UsageTable({ first, rows, totals, testId, share = false }: { first: string; rows: UsageRow[]; totals: UsageRow; testId: string; share?: boolean }) {
  const total = BigInt(totals.costNanos);
  const cells = (r: UsageRow) => (
    <>
      <td className={`${td} max-w-72 truncate`} title={r.label}>
        {r.label}
      </td>
      <td className={td} data-value={r.requests}>
        {formatCount(r.requests)}
      </td>
      <td className={td} data-value={r.errors}>
        {formatCount(r.errors)}
      </td>
      <td className={td} data-value={r.promptTokens}>
        {formatCount(r.promptTokens)}
      </td>
      <td className={td} data-value={r.completionTokens}>
        {formatCount(r.completionTokens)}
      </td>
      <td className={td} data-value={r.reasoningTokens}>
        {formatCount(r.reasoningTokens)}
      </td>
      <td className={td} data-value={r.costNanos}>
        {formatMoney(r.costNanos)}
      </td>
      {share && <td className={td}>{total > 0n ? `${((Number(BigInt(r.costNanos)) / Number(total)) * 100).toFixed(1)} %` : "—"}</td>}
    </>
  );
  return (
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={`Usage by ${first.toLowerCase()}`}>
      <table className="w-full text-sm" data-testid={testId}>
        <thead className="border-b">
          <tr>
            <th className={th}>{first}</th>
            <th className={th}>Requests</th>
            <th className={th}>Errors</th>
            <th className={th}>Input tokens</th>
            <th className={th}>Output tokens</th>
            <th className={th}>Reasoning</th>
            <th className={th}>Spend</th>
            {share && <th className={th}>Share</th>}
          </tr>
        </thead>
        <tbody className="divide-y">
          {rows.map((r, i) => (
            <tr key={`${r.label}-${i}`} data-testid={`${testId}-row`}>
              {cells(r)}
            </tr>
          ))}
        </tbody>
        <tfoot className="border-t-2 font-semibold">
          <tr data-testid={`${testId}-totals`}>{cells(totals)}</tr>
        </tfoot>
      </table>
    </div>
  );
}
