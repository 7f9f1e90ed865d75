import type { DeferredSettlement, SettledLeasedHold } from "@/db/queries/limits";
import type { NewUsageEvent } from "@/db/queries/usage";

/** A request's usage event and, when it held limits, its settlement: journaled and written together. */
export interface JournalEntry {
  event: NewUsageEvent;
  settlement?: DeferredSettlement;
}

/**
 * Journal lines of answered requests. Most of a leased request's settlement is
 * what it held — a lease, a scope, a metric and a window for each limit, the
 * same for every request of an account — so each such hold is written once per
 * segment, on a line of its own (`{"hold":n,"d":[lease,scope,metric,window]}`),
 * and a request's line names it by number with what it used and gave back. A
 * segment's lines are read back in order with a fresh codec (`decoder()`), so
 * numbers never reach across segments or processes; rotate() starts a segment.
 * Lines of the earlier form (the whole settlement on the line) still decode.
 */
export class JournalCodec {
  private holds = new Map<string, number>();

  /** A new segment: what the last one defined is not known to the next. */
  rotate(): void {
    this.holds.clear();
  }

  /** The entry as journal text: its line, after the lines of holds this segment has not seen yet. */
  encode(entry: JournalEntry): string {
    const e = entry.event;
    const event = typeof e.costNanos === "bigint" ? { ...e, costNanos: e.costNanos.toString() } : e;
    const s = entry.settlement;
    if (!s) return JSON.stringify({ event });
    const actual: Record<string, string> = {};
    for (const k in s.actual) actual[k] = s.actual[k]!.toString();
    if (!s.leased) return JSON.stringify({ event, settlement: { ...s, actual, costNanos: s.costNanos.toString() } });
    const fresh: [string, number, SettledLeasedHold][] = [];
    const held: [number, string, string][] = [];
    for (const h of s.leased.holds) {
      // A lease is of one scope, metric and window: its id says them all (no key to build per hold of a request).
      const key = h.leaseId ?? `${h.scopeId}|${h.metric}|${h.windowStart}`;
      let n = this.holds.get(key) ?? fresh.find((f) => f[0] === key)?.[1];
      if (n === undefined) {
        n = this.holds.size + fresh.length;
        fresh.push([key, n, h]);
      }
      held.push([n, h.used, h.back]);
    }
    const line: LeasedLine = {
      event,
      leased: {
        r: s.reservationId,
        // What the event already says is not said twice.
        ...(s.accountId === e.accountId ? {} : { a: s.accountId }),
        ...(s.leased.usageEventId === e.id ? {} : { e: s.leased.usageEventId }),
        ...(e.createdAt && s.leased.eventAt === e.createdAt.toISOString() ? {} : { t: s.leased.eventAt }),
        actual,
        cost: s.costNanos.toString(),
        ledger: s.ledger,
        h: held,
      },
    };
    const text = JSON.stringify(line);
    // Known to this segment only once its line is written (a line that fails to encode defines nothing).
    let defs = "";
    for (const [key, n, h] of fresh) {
      this.holds.set(key, n);
      defs += `${JSON.stringify({ hold: n, d: [h.leaseId, h.scopeId, h.metric, h.windowStart] })}\n`;
    }
    return defs + text;
  }

  /** A reader of one segment's lines, in order: each line's entry, or null for a line that only defines a hold. */
  static decoder(): (line: string) => JournalEntry | null {
    const holds = new Map<number, string[]>();
    return (line) => {
      const raw = JSON.parse(line) as { hold?: number; d?: string[]; event?: Record<string, unknown>; settlement?: Record<string, unknown>; leased?: LeasedLine["leased"] };
      if (raw.hold !== undefined) {
        holds.set(raw.hold, raw.d!);
        return null;
      }
      const e = raw.event!;
      const event = {
        ...e,
        costNanos: e.costNanos === undefined || e.costNanos === null ? e.costNanos : BigInt(e.costNanos as string),
        createdAt: e.createdAt ? new Date(e.createdAt as string) : undefined,
      } as NewUsageEvent;
      if (raw.leased) {
        const l = raw.leased;
        const heldHolds: SettledLeasedHold[] = l.h.map(([n, used, back]) => {
          const d = holds.get(n);
          if (!d) throw new Error(`journal line names hold ${n}, not defined before it`);
          return { leaseId: d[0] ?? null, scopeId: d[1]!, metric: d[2]!, windowStart: d[3]!, used, back };
        });
        return {
          event,
          settlement: {
            reservationId: l.r,
            accountId: l.a ?? (e.accountId as string),
            actual: reviveBig(l.actual),
            costNanos: BigInt(l.cost),
            ledger: l.ledger,
            leased: { usageEventId: l.e ?? (e.id as string), eventAt: l.t ?? (e.createdAt as string), holds: heldHolds },
          },
        };
      }
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
    };
  }
}

interface LeasedLine {
  event: unknown;
  leased: {
    r: string;
    a?: string;
    e?: string;
    t?: string;
    actual: Record<string, string>;
    cost: string;
    ledger: DeferredSettlement["ledger"];
    h: [number, string, string][];
  };
}

const reviveBig = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, BigInt(v)]));
