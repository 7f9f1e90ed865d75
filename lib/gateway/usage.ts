import type { Db } from "@/db/client";
import { touchApiKeys } from "@/db/queries/keys";
import { type NewUsageEvent, insertUsageEvents } from "@/db/queries/usage";
import { errorFields, log } from "../log";

export interface UsageRecorderOptions {
  flushIntervalMs?: number;
  maxBatch?: number;
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
  /** When each key's last-used time was last written: at most once a minute per key. */
  private touched = new Map<string, number>();
  private listeners = new Set<(events: NewUsageEvent[]) => void>();

  constructor(options: UsageRecorderOptions = {}) {
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.maxBatch = options.maxBatch ?? 500;
  }

  record(event: NewUsageEvent): void {
    this.queue.push(event);
    if (event.keyId) this.noteUse(event.keyId);
    if (this.queue.length >= this.maxBatch) void this.flush();
  }

  private noteUse(keyId: string, now = Date.now()): void {
    const last = this.touched.get(keyId);
    if (last !== undefined && now - last < 60_000) return;
    this.touched.set(keyId, now);
    this.keys.add(keyId);
    // Forget keys not used for a while, so the map stays as small as the set of active keys.
    if (this.touched.size > 10_000) for (const [k, t] of this.touched) if (now - t >= 60_000) this.touched.delete(k);
  }

  /** Write events now, inside the caller's transaction (a batch line's end is stored with its answer). */
  async store(events: NewUsageEvent[], db: Db): Promise<void> {
    await insertUsageEvents({ events, db });
    for (const e of events) if (e.keyId) this.noteUse(e.keyId);
    for (const l of this.listeners) l(events);
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
          await insertUsageEvents({ events: batch.slice(i, i + this.maxBatch) });
        }
        for (const l of this.listeners) l(batch);
      } catch (err) {
        // Put the batch back: it goes out with the next flush.
        this.queue.unshift(...batch);
        log.error("usage write failed; will retry", { ...errorFields(err), rows: batch.length });
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
