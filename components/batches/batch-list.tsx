import { formatMoney } from "@/lib/format";
import type { ConsoleBatch } from "@/lib/console/batches";
import { BatchProgress } from "./batch-progress";
import { BatchStatus } from "./batch-status";
import { FileLink } from "./file-link";

/** "2026-11-30 16:20 UTC": the server renders it, so one unambiguous zone. */
const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

function Files({ b }: { b: ConsoleBatch }) {
  if (!b.outputFileId && !b.errorFileId) return <span className="text-xs text-muted">{b.endedAt ? "No file" : "When finished"}</span>;
  return (
    <div className="flex flex-wrap gap-1.5">
      <FileLink id={b.outputFileId} label="Output" testId="batch-output-link" />
      <FileLink id={b.errorFileId} label="Errors" testId="batch-error-link" />
    </div>
  );
}

/** The account's batches: a table on wide screens, one card per batch on a phone. */
export function BatchList({ batches }: { batches: ConsoleBatch[] }) {
  return (
    <>
      <div className="hidden overflow-hidden rounded-lg border bg-surface shadow-xs md:block">
        <table className="w-full text-sm" data-testid="batch-table">
          <thead className="border-b bg-surface-sunken text-left text-xs text-muted">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">Batch</th>
              <th scope="col" className="px-4 py-2 font-medium">Status</th>
              <th scope="col" className="px-4 py-2 font-medium">Progress</th>
              <th scope="col" className="px-4 py-2 text-right font-medium">Cost</th>
              <th scope="col" className="px-4 py-2 font-medium">Files</th>
            </tr>
          </thead>
          <tbody className="divide-y">
            {batches.map((b) => (
              <tr key={b.id} data-testid="batch-row" data-batch-id={b.id} className="align-top">
                <td className="px-4 py-3">
                  <p className="font-mono text-xs">{b.id}</p>
                  {b.description && <p className="mt-0.5 text-sm">{b.description}</p>}
                  <p className="mt-0.5 text-xs text-muted">
                    {b.endpoint} · created {when(b.createdAt)}
                  </p>
                </td>
                <td className="px-4 py-3">
                  <BatchStatus status={b.status} />
                </td>
                <td className="px-4 py-3">
                  <BatchProgress total={b.total} completed={b.completed} failed={b.failed} />
                </td>
                <td className="px-4 py-3 text-right tabular-nums" data-testid="batch-cost">
                  {formatMoney(b.costNanos)}
                </td>
                <td className="px-4 py-3">
                  <Files b={b} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="space-y-3 md:hidden" data-testid="batch-cards">
        {batches.map((b) => (
          <li key={b.id} data-testid="batch-card" className="space-y-3 rounded-lg border bg-surface p-4 shadow-xs">
            <div className="flex items-start justify-between gap-3">
              <div className="min-w-0">
                <p className="truncate font-mono text-xs">{b.id}</p>
                {b.description && <p className="mt-0.5 truncate text-sm">{b.description}</p>}
                <p className="mt-0.5 text-xs text-muted">{when(b.createdAt)}</p>
              </div>
              <BatchStatus status={b.status} />
            </div>
            <BatchProgress total={b.total} completed={b.completed} failed={b.failed} />
            <div className="flex items-center justify-between gap-3">
              <Files b={b} />
              <span className="text-sm tabular-nums">{formatMoney(b.costNanos)}</span>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
