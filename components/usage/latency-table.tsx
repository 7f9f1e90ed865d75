import { formatCount, formatMs } from "@/lib/format";

type P = { p50: number | null; p90: number | null; p99: number | null };

const th = "whitespace-nowrap px-3 py-2 text-right text-xs font-medium uppercase tracking-wide text-muted first:text-left";
const td = "whitespace-nowrap px-3 py-2 text-right tabular-nums first:text-left";

/** p50, p90 and p99 of latency and time to first token per model (from hourly histograms: accurate to their bucket). */
export function LatencyTable({ rows }: { rows: { modelId: string; requests: number; latency: P; ttft: P }[] }) {
  return (
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Latency by model">
      <table className="w-full text-sm" data-testid="usage-latency">
        <thead className="border-b">
          <tr>
            <th className={th}>Model</th>
            <th className={th}>Requests</th>
            <th className={th}>Latency p50</th>
            <th className={th}>p90</th>
            <th className={th}>p99</th>
            <th className={th}>First token p50</th>
            <th className={th}>p90</th>
            <th className={th}>p99</th>
          </tr>
        </thead>
        <tbody className="divide-y">
          {rows.map((r) => (
            <tr key={r.modelId}>
              <td className={`${td} max-w-64 truncate`}>{r.modelId}</td>
              <td className={td}>{formatCount(r.requests)}</td>
              <td className={td}>{formatMs(r.latency.p50)}</td>
              <td className={td}>{formatMs(r.latency.p90)}</td>
              <td className={td}>{formatMs(r.latency.p99)}</td>
              <td className={td}>{formatMs(r.ttft.p50)}</td>
              <td className={td}>{formatMs(r.ttft.p90)}</td>
              <td className={td}>{formatMs(r.ttft.p99)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
