import type { BilledUsage } from "./billed";
import { formatMoney } from "@/lib/format";
import { formatInt } from "./cost";
import { Stat, formatDuration } from "./stat";

/** What a finished request used and cost, as recorded; a placeholder of the same height while it is being read. */
export function BilledFigures({ usage, pending, latencyMs, extra }: { usage: BilledUsage | null; pending: boolean; latencyMs: number | null; extra?: { label: string; value: string; id: string }[] }) {
  const items: { label: string; value: string; id: string }[] = [...(extra ?? [])];
  if (usage) {
    if (usage.prompt_tokens) items.push({ label: "tokens", value: formatInt(usage.prompt_tokens), id: "tokens" });
    if (usage.units.audio_seconds !== undefined) items.push({ label: "billed", value: `${Math.max(1, Math.ceil(usage.units.audio_seconds / 60))} started min`, id: "minutes" });
    if (usage.units.characters !== undefined) items.push({ label: "characters", value: formatInt(usage.units.characters), id: "characters" });
    if (usage.units.search_units !== undefined) items.push({ label: "search units", value: formatInt(usage.units.search_units), id: "search-units" });
  }
  if (latencyMs !== null) items.push({ label: "latency", value: formatDuration(latencyMs), id: "latency" });
  return (
    <dl className="flex min-h-5 flex-wrap items-center gap-x-4 gap-y-1 text-xs text-muted tabular-nums" data-testid="billed-figures">
      {items.map((i) => (
        <Stat key={i.id} {...i} />
      ))}
      <Stat label="cost" id="cost" value={usage ? formatMoney(BigInt(usage.cost_nanos)) : pending ? "…" : "—"} />
    </dl>
  );
}
