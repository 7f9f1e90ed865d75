import { touchApiKeys } from "@/db/queries/keys";
import { type NewUsageEvent, insertUsageEvents } from "@/db/queries/usage";
import { localDay } from "../limits/windows";
import { log } from "../log";

export interface UsageRecorderOptions {
  flushIntervalMs?: number;
  maxBatch?: number;
  /** Time zone of the daily rollups' calendar days. */
  timezone?: string;
}

/**
 * Usage events are written in batches off the request path. A failed write is
 * retried with the next batch; flush() on shutdown writes whatever is left.
 */
export class UsageRecorder {
  private queue: NewUsageEvent[] = [];
  private keys = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly dayOf: (d: Date) => string;
  private listeners = new Set<(events: NewUsageEvent[]) => void>();

  constructor(options: UsageRecorderOptions = {}) {
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.maxBatch = options.maxBatch ?? 500;
    const tz = options.timezone ?? "UTC";
    this.dayOf = (d) => localDay(d, tz);
  }

  record(event: NewUsageEvent): void {
    this.queue.push(event);
    if (event.keyId) this.keys.add(event.keyId);
    if (this.queue.length >= this.maxBatch) void this.flush();
  }

  /** Called with each batch once it is stored. */
  onFlushed(listener: (events: NewUsageEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get pending(): number {
    return this.queue.length;
  }

  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0 && this.keys.size === 0) return;
    const batch = this.queue.splice(0, this.queue.length);
    const keys = [...this.keys];
    this.keys.clear();
    this.flushing = (async () => {
      try {
        for (let i = 0; i < batch.length; i += this.maxBatch) {
          await insertUsageEvents({ events: batch.slice(i, i + this.maxBatch), dayOf: this.dayOf });
        }
        for (const l of this.listeners) l(batch);
      } catch (err) {
        // Put the batch back: it goes out with the next flush.
        this.queue.unshift(...batch);
        log.error("usage write failed; will retry", { error: (err as Error).message, rows: batch.length });
      }
      try {
        await touchApiKeys({ ids: keys });
      } catch {
        // last-used times are informative only
      }
    })();
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
    }
  }

  start(): void {
    this.stop();
    this.timer = setInterval(() => void this.flush(), this.flushIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
