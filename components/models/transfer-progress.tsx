import { formatBytes, progressLine } from "@/lib/models/progress-text";

export interface Transfer {
  received: number;
  total: number | null;
  bytesPerSecond: number;
  secondsLeft: number | null;
  resumed?: number;
}

/** A progress bar with its figures underneath: bytes, speed, time left. */
export function TransferProgress({ transfer, label, testId }: { transfer: Transfer; label: string; testId: string }) {
  const percent = transfer.total ? Math.min(100, Math.floor((transfer.received / transfer.total) * 100)) : null;
  return (
    <div className="space-y-1.5" data-testid={testId}>
      <div className="flex items-baseline justify-between gap-2 text-xs">
        <span className="font-medium">{label}</span>
        <span className="tabular-nums text-muted" data-testid={`${testId}-percent`}>
          {percent === null ? formatBytes(transfer.received) : `${percent}%`}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        className="h-2 overflow-hidden rounded-full bg-surface-sunken"
      >
        <div className={`h-full rounded-full bg-primary transition-[width] duration-300 ${percent === null ? "w-1/3 animate-pulse" : ""}`} style={percent === null ? undefined : { width: `${percent}%` }} />
      </div>
      <p className="text-xs tabular-nums text-muted" data-testid={`${testId}-figures`}>
        {progressLine(transfer)}
        {transfer.resumed ? ` · connection dropped, resumed ${transfer.resumed}×` : ""}
      </p>
    </div>
  );
}
