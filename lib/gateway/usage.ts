import { type Db, getDb } from "@/db/client";
import { touchApiKeys } from "@/db/queries/keys";
import { type DeferredSettlement, settleBatch } from "@/db/queries/limits";
import { type NewUsageEvent, insertUsageEvents } from "@/db/queries/usage";
import { errorFields, log } from "../log";
import type { Journal } from "./journal";
import { JournalCodec, type JournalEntry } from "./journal-codec";

export interface UsageRecorderOptions {
  flushIntervalMs?: number;
  maxBatch?: number;
  /** Where answered requests wait for their write, so a killed process loses none of them. */
  journal?: Journal | null;
}

type Entry = JournalEntry;

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
  private readonly codec = new JournalCodec();

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
    const recovered = this.journal.recover().flatMap((segment) => {
      const decode = JournalCodec.decoder();
      return segment.flatMap((line) => {
        try {
          const entry = decode(line);
          return entry ? [entry] : []; // null: a line that defines a hold for the lines after it
        } catch (err) {
          // A half-written last line is a killed process's: its answer never left. Anything else is said.
          if (!(err instanceof SyntaxError)) log.error("a journal line could not be read", errorFields(err));
          return [];
        }
      });
    });
    if (recovered.length) {
      log.warn("writing the usage and settlements a stopped process had journaled", { entries: recovered.length });
      this.queue.unshift(...recovered);
    }
  }

  /**
   * Queue an answered request's usage event and settlement. With a journal, resolves once its line is on disk: the
   * answer waits for that. The lines of one turn of the event loop go to the journal in one write, at the end of
   * the turn (or sooner, when a batch is taken); `now` (the only request in flight: no other line will join it)
   * writes at once. A failed write fails its requests and queues none of them.
   */
  record(event: NewUsageEvent, settlement?: DeferredSettlement, now = false): Promise<void> | undefined {
    const entry: Entry = settlement ? { event, settlement } : { event };
    this.queue.push(entry);
    if (event.keyId) this.noteUse(event.keyId);
    let written: Promise<void> | undefined;
    if (this.journal) {
      const line = this.encode(entry);
      let turn = this.turn;
      if (!turn) {
        let resolve!: () => void;
        let reject!: (err: unknown) => void;
        const done = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        turn = this.turn = { lines: [], entries: [], done, resolve, reject };
        const t = turn;
        if (!now) setImmediate(() => this.writeTurn(t));
      }
      turn.lines.push(line);
      turn.entries.push(entry);
      written = turn.done;
      if (now) this.writeTurn(turn);
    }
    if (this.queue.length >= this.maxBatch) void this.flush();
    return written;
  }

  /** The journal lines of this turn of the event loop, not written yet. */
  private turn: { lines: string[]; entries: Entry[]; done: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | null = null;

  /** Write a turn's lines (once): at the end of the turn, or before a flush takes the queue. */
  private writeTurn(turn: NonNullable<UsageRecorder["turn"]>): void {
    if (this.turn !== turn) return;
    this.turn = null;
    try {
      this.journal!.append(turn.lines.join("\n"));
      turn.resolve();
    } catch (err) {
      // Not on disk: these requests fail, and what is not journaled is not billed either.
      const failed = new Set(turn.entries);
      this.queue = this.queue.filter((e) => !failed.has(e));
      turn.reject(err);
    }
  }

  private encode(entry: Entry): string {
    try {
      return this.codec.encode(entry);
    } catch {
      // A bigint where none was expected (a field added later): the whole entry, its bigints as strings.
      return JSON.stringify(entry, big);
    }
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
    // What this batch takes is on disk first, in the segment rotated below.
    if (this.turn) this.writeTurn(this.turn);
    if (this.queue.length === 0 && this.keys.size === 0) return;
    const batch = this.queue.splice(0, this.queue.length);
    this.journal?.rotate();
    this.codec.rotate();
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

const big = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);
