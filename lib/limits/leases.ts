import { randomUUID } from "node:crypto";
import type { LeaseOp, LeaseResult, LeasedHold, LimitVersions, OwnLease } from "@/db/queries/limits";
import { isoOfTime } from "../iso";
import { type LimitKind, type SlidingWindow, type Window, countedRange, isSliding, windowOf } from "./windows";

/*
 * Leased limits. An instance serving an account busily takes, in one atomic
 * database call, a lease on a slice of each limit the account's requests
 * draw on (requests of the minute, output tokens of the hour and the day,
 * month-to-date spend, the prepaid balance; the account's and a key's own),
 * and admits requests against its leases in memory, with no database round
 * trip. A lease is part of its counter's `reserved` in the database, so every
 * check on every instance sees the sum over all of them: the database never
 * grants more than a limit holds. Settling gives what a request did not use
 * back to the lease; what it used is written with its usage (in batches).
 *
 * Leases are sized from the recent rate (about a second of it), never more
 * than a thirty-second of the limit nor a quarter of what is left, topped up in
 * the background before they run out, given back after a quarter second
 * without requests, and at shutdown. A sliding window's lease counts in one
 * bucket and is drawn from only while that bucket is current; the next
 * bucket's lease is taken just before it starts. Near a limit leases shrink,
 * then stop: when what is left is under about four of the smallest useful
 * leases (a thirty-second of the limit, and at least two of the largest
 * recent requests each), the database grants none and requests reserve one
 * by one, exactly, as without leases.
 *
 * Leases follow one version of the account's limits (its own and its keys',
 * and its tier's: `version`). The database grants none under a version that
 * is no longer the account's; when an instance sees the version move (its
 * configuration poll, a request under newer limits, or a grant or reservation
 * refused as stale) it closes every lease of the account and gives them
 * back, and a grant still on its way comes back straight (`epoch`). See
 * ./propagation.ts for why a change is exact once its save returns.
 */

export const LEASES = {
  /** A grant takes at most this fraction of what is left. */
  share: 4n,
  /** The largest lease is limit / this; the smallest, four times smaller. */
  slices: 32n,
  /** Requests an account makes on this instance within about a second before it leases. */
  busyRequests: 4,
  /** A lease holds about this many seconds of the recent rate. */
  targetSeconds: 1,
  /** How long a request refused while other instances hold live leases on its limit waits for them to come back. */
  waitMs: 1_500,
  /** Topped up when less than this many seconds of the rate are left. */
  lowWaterSeconds: 0.4,
  /** The next bucket's lease is taken this long before the bucket starts. */
  prefetchMs: 400,
  /** Leases of an account that made no request for this long are given back. */
  idleMs: 250,
  /** How often leases are looked after. */
  tickMs: 50,
  /** The window state the headers are computed from is read at least this often while leasing. */
  refreshMs: 1_000,
  /** Leases are drawn from only while this instance's last heartbeat is this recent (others reclaim them after 15 s). */
  ttlMs: 10_000,
  /**
   * Leases are drawn from only while the last configuration poll this instance applied was sent less than
   * this long ago (polls run every 250 ms): a change to limits waits at most this long (plus a margin) for
   * instances that have not said they applied it (see ./propagation.ts).
   */
  viewMs: 1_500,
} as const;

/** A lease as this instance sees it. */
export interface Lease {
  id: string;
  /** Its bucket (or month) start, ms; 0 for the balance. */
  windowStart: number;
  /** Not yet drawn: what requests can be admitted against. */
  available: bigint;
  /** Drawn by requests in flight. */
  inflight: bigint;
  /** Everything granted to it that was applied here (limit_leases.granted, once the grants of the calls in flight are applied). */
  granted: bigint;
  /** Drawn from; a closed lease only waits for its requests in flight. */
  open: boolean;
}

/** A lease's window start as an ISO time (what settlements carry). */
export const leaseWindowIso = (l: Lease): string => isoOfTime(l.windowStart);

/** One limit of an account (or of a key) as this instance leases it. */
export class LeasedLimit {
  leases: Lease[] = [];
  /**
   * What is left of the window beyond what this instance's open leases hold unused (`available`): the
   * headers of a request admitted against leases say `left + available`. Set from the newest snapshot of the
   * counter (a lease call's or a reservation's), lowered by each grant applied here that it did not count.
   */
  left: bigint | null = null;
  /** That snapshot's place in the order of the account's snapshots (`seq`): an older one arriving later is not used. */
  seq = 0n;
  /** The oldest bucket counted then, for the reset time. */
  oldest: Date | null = null;
  /** The window that state was read for (bucket start, ms). */
  stateWindow = -1;
  /** The last state said what is left is under a few leases: requests reserve one by one. */
  near = false;
  /** Units asked for since the last tick, and their rate (units per second, smoothed). */
  demand = 0n;
  rate = 0;
  /** The largest single request recently: a lease holds at least two. */
  largest = 0n;

  constructor(
    readonly scopeId: string,
    /** A metric of limit_counters, or "balance". */
    readonly metric: string,
    readonly kind: LimitKind | "balance",
    /** Null for the balance. */
    public limit: bigint | null,
  ) {}

  /** Smallest useful lease: below it, nothing is granted. */
  get min(): bigint {
    const twoRequests = 2n * (this.largest > 0n ? this.largest : 1n);
    const slice = this.limit === null ? 0n : this.limit / (LEASES.slices * 4n);
    return twoRequests > slice ? twoRequests : slice;
  }

  /** What a lease should hold now. */
  get want(): bigint {
    const cap = this.limit === null ? null : this.limit / LEASES.slices;
    let w = BigInt(Math.ceil(this.rate * LEASES.targetSeconds));
    if (cap !== null && w > cap) w = cap;
    return w > this.min ? w : this.min;
  }

  get lowWater(): bigint {
    const w = BigInt(Math.ceil(this.rate * LEASES.lowWaterSeconds));
    return w > this.largest ? w : this.largest;
  }

  /** An open lease of this bucket. */
  lease(windowStart: number): Lease | undefined {
    return this.leases.find((l) => l.open && l.windowStart === windowStart);
  }

  /** Everything this instance can still admit against its open leases of this limit. */
  get available(): bigint {
    let sum = 0n;
    for (const l of this.leases) if (l.open) sum += l.available;
    return sum;
  }

  /**
   * Remember what a snapshot of the counter numbered `seq` said of the window (unless a newer one was
   * remembered already: false), and whether leases must stop: a grant from what it found free (`free`, what no
   * one holds) would be below the smallest lease.
   */
  observe(windowStart: number, seq: bigint, left: bigint, oldest: Date | null, free = left): boolean {
    if (seq <= this.seq) return false;
    this.seq = seq;
    this.left = left;
    this.oldest = oldest;
    this.stateWindow = windowStart;
    this.near = (free > 0n ? free : 0n) / LEASES.share < this.min;
    return true;
  }
}

/** One hold of a request to draw: the limit, its bucket, and how much. */
export interface Want {
  limit: LeasedLimit;
  windowStart: number;
  amount: bigint;
}

/** What a request drew, to give back when it settles. */
export interface Drawn {
  limit: LeasedLimit;
  lease: Lease;
  amount: bigint;
}

/** An account's leases on this instance. */
export class AccountLeases {
  readonly limits = new Map<string, LeasedLimit>();
  /** A lease call in flight: requests that need it wait for it. */
  pending: Promise<void> | null = null;
  /** The ids of the leases the call in flight asks to create (granted, maybe, and not yet applied here). */
  asking: ReadonlySet<string> = new Set();
  /**
   * Leases closed here whose gives have not reached the database, or did so lately, by id: what they held
   * unused less what was granted to them as known here (`offset`: unused then = granted + offset), gives on
   * their way (`pending`), and when the last of them was known done (`acked`, on `clock`). Kept while a
   * snapshot asked for before then may still come: it may count the lease whole as reserved.
   */
  private returning = new Map<string, { offset: bigint; pending: number; acked: number | null }>();
  /** The snapshots of the account's counters on their way (reservations, lease calls, reads): when each was asked for (on `clock`). */
  private reading: number[] = [];
  private clock = 0;
  /** Gives queued for the next call (leases closed: bucket over, idle, limit changed, remnants). */
  gives: { id: string; amount: bigint }[] = [];
  lastCallAt = 0;
  lastRequestAt = 0;
  /**
   * The versions of the account's limits its leases were taken under ("account:tier", and as numbers); null
   * while it has none (closed after a change). Requests under other limits do not draw on them.
   */
  version: string | null = null;
  versions: LimitVersions | null = null;
  /** Raised whenever all the leases are closed: a grant asked for before comes back straight to the database. */
  epoch = 0;
  /** Reservations in the database under way that carry gives of this account's leases. */
  readonly giving = new Set<Promise<unknown>>();

  /** Count `call` among those carrying gives until it is over. */
  track<T>(call: Promise<T>): Promise<T> {
    this.giving.add(call);
    const done = () => this.giving.delete(call);
    call.then(done, done);
    return call;
  }
  private slotStart = 0;
  private slotCount = 0;
  private prevCount = 0;

  constructor(
    readonly accountId: string,
    public tz: string,
    /** Prepaid tiers: the purchase credit that activates the tier (the balance's lease is granted only then). */
    public activationNanos: bigint | null,
  ) {}

  /** Count a request (real time): the account leases once it makes a few within about a second. */
  noteRequest(now = Date.now()): void {
    this.lastRequestAt = now;
    if (now - this.slotStart >= 1_000) {
      this.prevCount = now - this.slotStart < 2_000 ? this.slotCount : 0;
      this.slotStart = now;
      this.slotCount = 0;
    }
    this.slotCount++;
  }

  get busy(): boolean {
    return this.slotCount + this.prevCount >= LEASES.busyRequests;
  }

  limit(scopeId: string, metric: string, kind: LimitKind | "balance", limit: bigint | null): LeasedLimit {
    const key = `${scopeId}|${metric}`;
    let l = this.limits.get(key);
    if (l && l.limit !== limit) {
      // The limit changed (tier, budget or key edited): its leases were taken under the old one.
      this.gives.push(...this.close(l));
      l.limit = limit;
      l.left = null;
      l.near = false;
    }
    if (!l) {
      l = new LeasedLimit(scopeId, metric, kind, limit);
      this.limits.set(key, l);
    }
    return l;
  }

  /**
   * Close a limit's open leases (all, or those `which` picks): nothing more is drawn from them. Returns the
   * gives that hand their unused part back and mark them drained in the database, for the caller to send.
   */
  close(limit: LeasedLimit, which: (l: Lease) => boolean = () => true): { id: string; amount: bigint }[] {
    const gives: { id: string; amount: bigint }[] = [];
    for (const lease of limit.leases) {
      if (!lease.open || !which(lease)) continue;
      lease.open = false;
      gives.push({ id: lease.id, amount: lease.available });
      this.returned(lease.id, lease.available - lease.granted);
      // What it held unused is still room of this instance's until given back, then free: remaining as it was.
      if (limit.left !== null) limit.left += lease.available;
      lease.available = 0n;
    }
    limit.leases = limit.leases.filter((l) => l.open || l.inflight > 0n);
    return gives;
  }

  /** A give of the lease is on its way (queued, or sent): `offset` when it was closed here, see `returning`. */
  private returned(id: string, offset: bigint): void {
    const r = this.returning.get(id);
    if (r) {
      r.pending++;
      r.acked = null;
    } else this.returning.set(id, { offset, pending: 1, acked: null });
  }

  /** A grant for a lease closed here (or never applied here: `lease` null) while it was on its way goes straight back. */
  backStraight(id: string, amount: bigint, lease: Lease | null): void {
    this.gives.push({ id, amount });
    this.returned(id, lease ? -lease.granted : 0n);
  }

  /** A snapshot of the account's counters is asked for: call what this returns once its answer has been used. */
  reads(): () => void {
    const at = this.clock;
    this.reading.push(at);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.reading.splice(this.reading.indexOf(at), 1);
      this.prune();
    };
  }

  /** These gives reached the database (the call that carried them returned). */
  given(gives: { id: string }[]): void {
    if (gives.length === 0) return;
    const at = ++this.clock;
    for (const g of gives) {
      const r = this.returning.get(g.id);
      if (r && r.pending > 0 && --r.pending === 0) r.acked = at;
    }
    this.prune();
  }

  /** Forget the leases given back before every snapshot on its way was asked for (each of them finds them given back). */
  private prune(): void {
    let oldest = Infinity;
    for (const at of this.reading) if (at < oldest) oldest = at;
    for (const [id, r] of this.returning) if (r.acked !== null && r.acked <= oldest) this.returning.delete(id);
  }

  /**
   * What this instance's leases of `limit` counted in a window (buckets `from` to `to`, ms) held unused when a
   * snapshot of its counter was taken, from the snapshot's view of them (`own`) and what is known here now. The
   * counter's `reserved` counts every lease whole; what they hold unused is this instance's room (the headers'
   * remaining counts it). Draws and settlements happen here first: what the open leases hold unused now counts
   * them. Grants happen in the database first: one of a lease call in flight may be in the snapshot and not
   * yet applied here, or applied here and granted after the snapshot; comparing what each lease was granted by
   * the snapshot with what was applied here counts exactly those the snapshot counted (a new lease of the call
   * in flight, `asking`, only in the snapshot: all of it). Gives also happen here first: a lease closed here
   * is room in a snapshot that has it not yet given back (not draining), and nothing in one that has.
   */
  roomAt(limit: LeasedLimit, own: OwnLease[], from: number, to: number): bigint {
    const rest = new Map(own.map((o) => [o.id, o]));
    let room = 0n;
    for (const l of limit.leases) {
      if (!l.open || l.windowStart < from || l.windowStart > to) continue;
      const s = rest.get(l.id);
      rest.delete(l.id);
      room += l.available + (s && !s.draining ? s.granted : 0n) - l.granted;
    }
    for (const s of rest.values()) {
      if (s.draining) continue;
      const r = this.returning.get(s.id);
      if (r) room += s.granted + r.offset;
      else if (this.asking.has(s.id)) room += s.granted;
    }
    return room;
  }

  /** Close every lease (the account's limits changed); the gives are queued. */
  closeAll(): void {
    for (const l of this.limits.values()) {
      this.gives.push(...this.close(l));
      l.left = null;
      l.near = false;
    }
    this.epoch++;
    this.version = null;
    this.versions = null;
  }

  /** A settled request's draw is off its lease; a closed lease goes once its last request has settled. */
  drop(limit: LeasedLimit, lease: Lease): void {
    if (!lease.open && lease.inflight === 0n) limit.leases = limit.leases.filter((l) => l !== lease);
  }

  /** Apply what the database granted: new leases, top-ups, leases found gone, and the window's state. */
  applyGrant(limit: LeasedLimit, op: Extract<LeaseOp, { op: "grant" }>, lease: Lease | null, r: LeaseResult, currentWindow: number): void {
    if (!("granted" in r)) return;
    const ws = op.windowStart.getTime();
    if (r.gone && lease) {
      // Taken back by the others (this instance was silent too long): nothing left to give back, what it held is free.
      lease.open = false;
      if (limit.left !== null) limit.left += lease.available;
      lease.available = 0n;
      this.drop(limit, lease);
    }
    let applied = 0n;
    if (!r.gone && r.granted > 0n) {
      if (op.limit !== limit.limit || (lease && !lease.open)) {
        // Granted for a lease closed (or a limit changed) while the call was on its way: straight back.
        this.backStraight(op.id, r.granted, lease);
      } else {
        applied = r.granted;
        if (lease) {
          lease.available += applied;
          lease.granted += applied;
        } else limit.leases.push({ id: op.id, windowStart: ws, available: applied, inflight: 0n, open: true, granted: applied });
      }
    }
    // The grant's own snapshot, when it is the newest of the window. Else the snapshot remembered did not count this
    // grant as room held here (older than the grant, it counted it as free; newer, as a grant not yet applied
    // here): it is in `available` now, no longer in `left`.
    const from = (op.since ?? op.windowStart).getTime();
    const to = (op.until ?? op.windowStart).getTime();
    const left = ws === currentWindow ? r.left + this.roomAt(limit, r.own, from, to) - limit.available : 0n;
    if (!(ws === currentWindow && limit.observe(ws, r.seq, left, r.oldest, r.left)) && limit.left !== null) limit.left -= applied;
    if (ws !== currentWindow && op.want > 0n && r.granted === 0n && !r.gone) limit.near = true;
  }

  /** Draw every hold from open leases, all or nothing; null when one does not fit. */
  draw(wants: Want[]): Drawn[] | null {
    const found: Lease[] = [];
    for (const w of wants) {
      const lease = w.limit.lease(w.windowStart);
      if (!lease || lease.available < w.amount) return null;
      found.push(lease);
    }
    // The same lease twice (one limit held twice) would need both amounts: not the case, one hold per limit.
    return wants.map((w, i) => {
      const lease = found[i]!;
      lease.available -= w.amount;
      lease.inflight += w.amount;
      return { limit: w.limit, lease, amount: w.amount };
    });
  }

  /** Holds no open lease can cover (the request then reserves one by one). */
  misses(wants: Want[]): Want[] {
    return wants.filter((w) => {
      const lease = w.limit.lease(w.windowStart);
      return !lease || lease.available < w.amount;
    });
  }

  /** What the request's holds want is worth a lease call: none of their limits is near. */
  worthLeasing(misses: Want[]): boolean {
    return misses.every((w) => !w.limit.near);
  }

  /** Count what requests asked for, for the rate a lease is sized from. */
  noteDemand(wants: Want[]): void {
    for (const w of wants) {
      w.limit.demand += w.amount;
      if (w.amount > w.limit.largest) w.limit.largest = w.amount;
    }
  }

  /** Nothing leased or in flight: the account's state can go. */
  get empty(): boolean {
    for (const l of this.limits.values()) if (l.leases.length > 0) return false;
    return this.gives.length === 0 && !this.pending && this.giving.size === 0;
  }
}

/** The window a limit counts in at `at`, and the next bucket's for a sliding window. */
export function windowsOf(kind: LimitKind | "balance", at: Date, tz: string): { current: Window | SlidingWindow | null; next: SlidingWindow | Window | null } {
  if (kind === "balance") return { current: null, next: null };
  const current = windowOf(kind, at, tz);
  const end = isSliding(current) ? current.bucket.end : current.end;
  return { current, next: windowOf(kind, end, tz) };
}

export const windowStartOf = (w: Window | SlidingWindow | null): number => (w === null ? 0 : isSliding(w) ? w.bucket.start.getTime() : w.start.getTime());
export const windowEndOf = (w: Window | SlidingWindow | null): number => (w === null ? Infinity : isSliding(w) ? w.bucket.end.getTime() : w.end.getTime());

const BALANCE_DATE = new Date(0);

/** The grant (or top-up, or read) of a limit's lease for one window. */
export function grantOp(limit: LeasedLimit, window: Window | SlidingWindow | null, want: bigint): { op: LeaseOp; lease: Lease | null } {
  const ws = windowStartOf(window);
  const existing = limit.lease(ws) ?? null;
  const range = window === null ? { windowStart: BALANCE_DATE, since: null, until: null } : countedRange(window);
  return {
    lease: existing,
    op: {
      op: "grant",
      id: existing?.id ?? randomUUID(),
      new: existing === null,
      scopeId: limit.scopeId,
      metric: limit.metric,
      windowStart: range.windowStart,
      since: range.since,
      until: range.until,
      limit: limit.limit,
      want,
      min: want > 0n ? limit.min : 1n,
      share: Number(LEASES.share),
    },
  };
}

/** A drawn hold as the settlement records it. */
export function leasedHold(d: Drawn): LeasedHold {
  return {
    leaseId: d.lease.id,
    scopeId: d.limit.scopeId,
    metric: d.limit.metric,
    windowStart: leaseWindowIso(d.lease),
    drawn: d.amount.toString(),
  };
}

