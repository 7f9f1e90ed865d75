import { type Db, getDb } from "@/db/client";
import { touchApiKeys } from "@/db/queries/keys";
import { type DeferredSettlement, settleBatch } from "@/db/queries/limits";
import { type NewUsageEvent, insertUsageEvents } from "@/db/queries/usage";
import { errorFields, log } from "../log";
import type { Journal } from "./journal";

export interface UsageRecorderOptions {
  flushIntervalMs?: number;
  maxBatch?: number;
  /** Where answered requests wait for their write, so a killed process loses none of them. */
  journal?: Journal | null;
}

/** A request's usage event and, when it held limits, its settlement: written together. */
interface Entry {
  event: NewUsageEvent;
  settlement?: DeferredSettlement;
}

/**
 * The outbox of answered requests: each one's settlement (counters, balance,
 * ledger debit) and usage event (and its hourly rollup) are written in
 * batches off the request path, one transaction per batch, every
 * `flushIntervalMs` or `maxBatch` rows. With a journal, an entry is on disk
 * before the answer leaves, so a crash loses nothing: the next start writes
 * what the journal still holds. A settlement already written (by an earlier
 * batch, or by the sweeper after the instance was lost) is never written
 * twice, and its usage event is then not written again either. A failed write
 * is retried with the next batch; flush() on shutdown writes whatever is left.
 */
export class UsageRecorder {
  private queue: Entry[] = [];
  private keys = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  /** When each key's last-used time was last written: at most once a minute per key. */
  private touched = new Map<string, number>();
  private listeners = new Set<(events: NewUsageEvent[]) => void>();

  private journal: Journal | null;

  constructor(options: UsageRecorderOptions = {}) {
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.maxBatch = options.maxBatch ?? 500;
    this.journal = options.journal ?? null;
  }

  /**
   * Journal answered requests from now on, and take over what a lost process of the same database left in
   * it: now, and every second from then on (another process on the same data folder killed meanwhile).
   */
  useJournal(journal: Journal): void {
    this.journal = journal;
    this.adopt();
  }

  private adoptedAt = 0;

  private adopt(): void {
    if (!this.journal) return;
    this.adoptedAt = Date.now();
    const recovered = this.journal.recover().flatMap((line) => {
      try {
        return [decodeEntry(line)];
      } catch {
        return []; // the half-written last line of a killed process: its answer never left
      }
    });
    if (recovered.length) {
      log.warn("writing the usage and settlements a stopped process had journaled", { entries: recovered.length });
      this.queue.unshift(...recovered);
    }
  }

  record(event: NewUsageEvent, settlement?: DeferredSettlement): void {
    const entry: Entry = settlement ? { event, settlement } : { event };
    this.journal?.append(encodeEntry(entry));
    this.queue.push(entry);
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
    if (this.journal && Date.now() - this.adoptedAt >= 1_000) this.adopt();
    if (this.queue.length === 0 && this.keys.size === 0) return;
    const batch = this.queue.splice(0, this.queue.length);
    this.journal?.rotate();
    const keys = [...this.keys];
    this.keys.clear();
    this.flushing = (async () => {
      try {
        const written: NewUsageEvent[] = [];
        for (let i = 0; i < batch.length; i += this.maxBatch) written.push(...(await writeEntries(batch.slice(i, i + this.maxBatch))));
        this.journal?.committed();
        for (const l of this.listeners) l(written);
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

/** One transaction: settlements first, then the usage events of those settled here (and of requests that held nothing). */
async function writeEntries(entries: Entry[]): Promise<NewUsageEvent[]> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const settlements = entries.filter((e) => e.settlement);
    const settled = await settleBatch(tx as unknown as Db, settlements.map((e) => e.settlement!));
    const skipped = new Set(settlements.filter((_, i) => !settled[i]).map((e) => e.event));
    // A settlement written here had no usage event yet (the settle functions find out): only the others are looked up.
    const fresh = new Set(settlements.filter((_, i) => settled[i]).map((e) => e.event));
    const events = entries.map((e) => e.event).filter((e) => !skipped.has(e));
    await insertUsageEvents({ events, db: tx as unknown as Db, fresh });
    return events;
  });
}

const reviveBig = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, BigInt(v)]));
const big = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);

/**
 * An entry as one journal line. Its bigints (the event's cost, the settlement's cost and amounts) are turned into
 * strings here rather than by a replacer, which JSON.stringify would call for every key of every entry.
 */
function encodeEntry(entry: Entry): string {
  const e = entry.event;
  const event = typeof e.costNanos === "bigint" ? { ...e, costNanos: e.costNanos.toString() } : e;
  const s = entry.settlement;
  try {
    if (!s) return JSON.stringify({ event });
    const actual: Record<string, string> = {};
    for (const k in s.actual) actual[k] = s.actual[k]!.toString();
    return JSON.stringify({ event, settlement: { ...s, actual, costNanos: s.costNanos.toString() } });
  } catch {
    // A bigint somewhere else (a field added later): the replacer finds it.
    return JSON.stringify(entry, big);
  }
}

function decodeEntry(line: string): Entry {
  const raw = JSON.parse(line) as { event: Record<string, unknown>; settlement?: Record<string, unknown> };
  const e = raw.event;
  const event = {
    ...e,
    costNanos: e.costNanos === undefined || e.costNanos === null ? e.costNanos : BigInt(e.costNanos as string),
    createdAt: e.createdAt ? new Date(e.createdAt as string) : undefined,
  } as NewUsageEvent;
  if (!raw.settlement) return { event };
  const s = raw.settlement;
  return {
    event,
    settlement: {
      ...(s as unknown as DeferredSettlement),
      actual: reviveBig(s.actual as Record<string, string>),
      costNanos: BigInt(s.costNanos as string),
    },
  };
}
