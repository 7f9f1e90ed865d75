import {
  type ClaimedLine,
  claimFinalizingForPlatform,
  claimLinesForPlatform,
  claimValidationForPlatform,
  findBatchEndpoint,
  findKeyOfBatch,
  listSealableForPlatform,
  releaseLine,
  requeueLostLinesForPlatform,
  sealBatchForPlatform,
} from "@/db/queries/batches";
import type { AuthenticatedKey } from "../keys/cache";
import { log } from "../log";
import type { Gateway } from "../gateway/pipeline";
import { finalizeBatch } from "./finalize";
import { LineStore, runLine } from "./run-line";
import { type FileStorage, fileStorage } from "./storage";
import { validateBatch } from "./validate";

export interface BatchWorkerOptions {
  gateway: Gateway;
  /** This instance's id in gateway_instances, whose heartbeat tells the others it is alive. */
  workerId: string;
  /** Lines in flight at once on this instance when it serves no live traffic (one at a time when it does). */
  concurrency: number;
  storage?: FileStorage;
  /** How often an idle worker looks for work. */
  pollMs?: number;
  /** An instance silent this long is lost: its lines and batches are taken over (as the limits sweeper judges). */
  staleMs?: number;
  /** Waits before new tries of a line answered 502, 503 or 504 (default RETRY_DELAYS_MS). */
  retryDelaysMs?: number[];
  /** Beside live traffic, one line at a time, started at most this often (ms; default 500). */
  liveIntervalMs?: number;
}

const KEY_TTL_MS = 5_000;
/** Live traffic is "present" while live model requests are in flight or one arrived this recently. */
const LIVE_RECENT_MS = 100;

/** Answers that say "try again later" (a backend down, overloaded or too slow, or the database away): retried in place. */
const TRANSIENT = new Set([502, 503, 504]);
/** Waits before each new try of a line that got a transient answer; after the last, the answer goes to the error file. */
export const RETRY_DELAYS_MS = [1_000, 5_000, 15_000];

/**
 * Works the batch queue in the background of an instance (the server, or
 * `llmaas worker`): validates new batches, runs lines (at most
 * `concurrency` at once, so live traffic keeps the rest of the instance),
 * seals batches that are done, cancelled or past their window, and writes
 * their files. Every step is claimed in Postgres, so any number of
 * instances share the work, and a lost instance's share is taken over.
 */
export class BatchWorker {
  private stopped = true;
  /** Takes no new lines while set; the rest of the work (validation, sealing, files) goes on. */
  private paused = false;
  private readonly liveIntervalMs: number;
  /** Lines at a backend: at most `concurrency`, and one beside live traffic. */
  private active = 0;
  private lastLineEnd = 0;
  /** Lines answered, waiting for their answers to be stored. */
  private storing = 0;
  /** Wakes a napping loop: the line loop when a line ends, both on stop. */
  private wakers = { lines: null as (() => void) | null, tasks: null as (() => void) | null };
  private loops: Promise<void>[] = [];
  private keys = new Map<string, { key: AuthenticatedKey | null; at: number }>();
  private endpoints = new Map<string, { endpoint: string; keyId: string }>();
  private readonly storage: FileStorage;
  private readonly store: LineStore;
  private readonly pollMs: number;
  private readonly staleMs: number;
  private readonly retryDelays: number[];

  constructor(private readonly options: BatchWorkerOptions) {
    this.storage = options.storage ?? fileStorage();
    this.store = new LineStore(options.gateway.options.recorder);
    // Idle, a worker asks the database about twice a second in all: little beside live traffic.
    this.pollMs = options.pollMs ?? 1000;
    this.staleMs = options.staleMs ?? 15_000;
    this.retryDelays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
    this.liveIntervalMs = options.liveIntervalMs ?? 500;
  }

  private staleBefore = () => new Date(Date.now() - this.staleMs);

  private nap(loop: keyof BatchWorker["wakers"], ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers[loop] = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wakers[loop] = done;
    });
  }

  private wake(loop: keyof BatchWorker["wakers"]) {
    this.wakers[loop]?.();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loops = [this.lineLoop(), this.taskLoop()];
  }

  /**
   * Take no new lines (lines in flight finish), or take them again. Validation, sealing and
   * files go on.
   */
  pauseLines(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.wake("lines");
  }

  /** Lines of this instance at a backend or waiting to be stored. */
  get linesInFlight(): number {
    return this.active + this.storing;
  }

  /** Stop claiming, and wait for the lines and the step in flight to be stored. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake("lines");
    this.wake("tasks");
    await Promise.all(this.loops);
    while (this.active > 0 || this.storing > 0) await new Promise((r) => setTimeout(r, 10));
  }

  private async lineLoop(): Promise<void> {
    while (!this.stopped) {
      if (this.paused) {
        await this.nap("lines", this.pollMs);
        continue;
      }
      // Live traffic first. With no live model request in flight (nor one arrived a moment ago), batches
      // run `concurrency` lines at once. Beside live traffic, one line at a time, at most one per
      // `liveIntervalMs`: a few percent of the instance, and a batch always keeps going. (A line costs
      // the event loop several times what a live request does: its reservation, answer and settlement
      // are written to the database, and every live request arriving meanwhile waits for it.)
      const gateway = this.options.gateway;
      const live = gateway.liveInFlight > 0 || performance.now() - gateway.lastLiveAt < LIVE_RECENT_MS;
      if (live) {
        const wait = this.lastLineEnd + this.liveIntervalMs - performance.now();
        if (this.active > 0 || wait > 0) {
          // Looked at again every so often: when live traffic stops, the batch speeds up at once.
          await this.nap("lines", this.active > 0 ? this.pollMs : Math.min(wait, LIVE_RECENT_MS));
          continue;
        }
      }
      const free = (live ? 1 : this.options.concurrency) - this.active;
      // Answers are stored in groups while the next lines run; a slow database holds new claims back.
      if (free <= 0 || this.storing > 8 * this.options.concurrency) {
        await this.nap("lines", this.pollMs);
        continue;
      }
      let claimed: ClaimedLine[] = [];
      try {
        claimed = await claimLinesForPlatform({ workerId: this.options.workerId, limit: free });
      } catch (err) {
        log.warn("claiming batch lines failed", { error: (err as Error).message });
      }
      if (claimed.length === 0) {
        await this.nap("lines", this.pollMs);
        continue;
      }
      for (const line of claimed) {
        this.active++;
        void this.run(line).finally(() => {
          this.active--;
          this.lastLineEnd = performance.now();
          this.wake("lines");
        });
      }
    }
  }

  private async run(line: ClaimedLine): Promise<void> {
    const hold = { batchId: line.batchId, lineNo: line.lineNo, workerId: this.options.workerId, attempts: line.attempts };
    try {
      const batch = await this.batchOf(line.batchId);
      const key = await this.keyOf(line.batchId);
      const attempt = () => runLine({ gateway: this.options.gateway, line, hold, endpoint: batch.endpoint, key });
      let finished = await attempt();
      // A transient failure is tried again a few times, with growing waits, before it is an error line;
      // the failed tries are neither billed nor recorded.
      for (const delay of this.retryDelays) {
        if (!TRANSIENT.has(finished.answer.statusCode) || this.stopped) break;
        await finished.end?.discard().catch(() => {});
        await new Promise((r) => setTimeout(r, delay).unref());
        finished = await attempt();
      }
      this.storing++;
      void this.store.add(finished).finally(() => {
        this.storing--;
        this.wake("lines");
      });
    } catch (err) {
      log.error("running a batch line failed; it goes back in the queue", { batchId: line.batchId, line: line.lineNo, error: (err as Error).message });
      await releaseLine({ line: hold }).catch(() => {});
    }
  }

  private async batchOf(id: string) {
    let b = this.endpoints.get(id);
    if (!b) {
      const found = await findBatchEndpoint({ id });
      if (!found) throw new Error("batch not found");
      b = found;
      if (this.endpoints.size > 10_000) this.endpoints.clear();
      this.endpoints.set(id, b);
    }
    return b;
  }

  /** The batch's key as the gateway authenticates it, or null once it is revoked or expired. */
  private async keyOf(batchId: string): Promise<AuthenticatedKey | null> {
    const cached = this.keys.get(batchId);
    if (cached && Date.now() - cached.at < KEY_TTL_MS) return cached.key;
    const row = await findKeyOfBatch({ batchId });
    let key: AuthenticatedKey | null = null;
    if (row && !row.revokedAt && !(row.expiresAt && row.expiresAt.getTime() <= Date.now())) {
      const { hash: _h, lastUsedAt: _l, previousHash: _p, ...rest } = row;
      key = rest;
    }
    if (this.keys.size > 10_000) this.keys.clear();
    this.keys.set(batchId, { key, at: Date.now() });
    return key;
  }

  private async taskLoop(): Promise<void> {
    while (!this.stopped) {
      let worked = false;
      try {
        worked = await this.step();
      } catch (err) {
        log.warn("a batch step failed; it will be tried again", { error: (err as Error).message });
      }
      if (!worked) await this.nap("tasks", this.pollMs);
    }
  }

  /** One round of batch-level work; true when something was done (so the next round starts at once). */
  async step(): Promise<boolean> {
    const { workerId } = this.options;
    let worked = (await requeueLostLinesForPlatform({ staleBefore: this.staleBefore() })) > 0;
    const toValidate = await claimValidationForPlatform({ workerId, staleBefore: this.staleBefore() });
    if (toValidate) {
      await validateBatch({
        batch: toValidate,
        workerId,
        storage: this.storage,
        maxBodyBytes: this.options.gateway.options.maxBodyBytes,
        stopping: () => this.stopped,
      });
      worked = true;
    }
    for (const id of await listSealableForPlatform({ staleBefore: this.staleBefore() })) {
      if (await sealBatchForPlatform({ id, staleBefore: this.staleBefore() })) worked = true;
    }
    const toFinalize = await claimFinalizingForPlatform({ workerId, staleBefore: this.staleBefore() });
    if (toFinalize) {
      await finalizeBatch({ batch: toFinalize, workerId, storage: this.storage });
      worked = true;
    }
    return worked;
  }
}
