import type { MessageStats } from "./chat-stream";
import { formatMoney } from "@/lib/format";
import { formatInt } from "./cost";
import { Stat, formatDuration } from "./stat";

const ms = formatDuration;

/** Tokens, timings and cost of one answer; reserved height so nothing jumps when the figures arrive. */
export function MessageStatsRow({ stats, streaming, testId = "message-stats" }: { stats?: MessageStats; streaming?: boolean; testId?: string }) {
  const approx = stats?.estimated ? "≈" : "";
  const items: { label: string; value: string; id: string }[] = [];
  if (stats) {
    if (stats.promptTokens !== null) items.push({ label: "in", value: formatInt(stats.promptTokens), id: "tokens-in" });
    if (stats.completionTokens !== null) items.push({ label: "out", value: `${approx}${formatInt(stats.completionTokens)}`, id: "tokens-out" });
    if (stats.reasoningTokens) items.push({ label: "reasoning", value: formatInt(stats.reasoningTokens), id: "tokens-reasoning" });
    if (stats.ttftMs !== null) items.push({ label: "first token", value: ms(stats.ttftMs), id: "ttft" });
    items.push({ label: streaming ? "elapsed" : "latency", value: ms(stats.latencyMs), id: "latency" });
    if (stats.costNanos !== null) items.push({ label: "cost", value: `${approx}${formatMoney(BigInt(stats.costNanos))}`, id: "cost" });
  }
  return (
    <dl className="flex min-h-5 flex-wrap items-center gap-x-3 gap-y-1 text-[11px] text-muted tabular-nums" data-testid={testId}>
      {items.map((i) => (
        <Stat key={i.id} {...i} />
      ))}
      {stats?.backend && (
        <div className="flex gap-1">
          <dt className="sr-only">served by</dt>
          <dd data-testid="stat-backend" title="Engine and machine that served this answer">
            {stats.backend}
          </dd>
        </div>
      )}
    </dl>
  );
}
