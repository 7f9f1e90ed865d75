import { type DeferredSettlement, type LedgerRow, type SettledLeasedHold, ledgerFromRow, ledgerRowJson } from "@/db/queries/limits";
import { type EventRow, type NewUsageEvent, eventFromRow, eventRowJson } from "@/db/queries/usage";
import { isoOf } from "../iso";

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
 * and a request's line names it by number with what it used and gave back.
 * The usage event and the ledger debit go on the line as the rows the batch
 * will send to the database (eventRowJson, ledgerRowJson): serialized once,
 * for the journal and for the batch. A segment's lines are read back in order
 * with a fresh codec (`decoder()`), so numbers never reach across segments or
 * processes; rotate() starts a segment.
 * Lines of the earlier forms (the event itself, or the whole settlement, on
 * the line) still decode.
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
    // The event's row as the batch's insert will send it (serialized once, for both).
    const row = eventRowJson(e);
    const s = entry.settlement;
    if (!s) return `{"row":${row}}`;
    const actual: Record<string, string> = {};
    for (const k in s.actual) actual[k] = s.actual[k]!.toString();
    if (!s.leased) return `{"row":${row},"settlement":${JSON.stringify({ ...s, actual, costNanos: s.costNanos.toString() })}}`;
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
      held.push([n, h.used.toString(), h.back.toString()]);
    }
    // The ledger debit as the batch's settlement will send it (serialized once, for both); a free request has none.
    const ledgerRow = ledgerRowJson(s);
    const leased: LeasedLine["leased"] = {
      r: s.reservationId,
      // What the event already says is not said twice.
      ...(s.accountId === e.accountId ? {} : { a: s.accountId }),
      ...(s.leased.usageEventId === e.id ? {} : { e: s.leased.usageEventId }),
      ...(e.createdAt && s.leased.eventAt === isoOf(e.createdAt) ? {} : { t: s.leased.eventAt }),
      actual,
      cost: s.costNanos.toString(),
      ...(ledgerRow === null ? { ledger: s.ledger } : {}),
      h: held,
    };
    const text = `{"row":${row},"leased":${ledgerRow === null ? JSON.stringify(leased) : `${JSON.stringify(leased).slice(0, -1)},"lr":${ledgerRow}}`}}`;
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
      const raw = JSON.parse(line) as {
        hold?: number;
        d?: string[];
        row?: EventRow;
        event?: Record<string, unknown>;
        settlement?: Record<string, unknown>;
        leased?: LeasedLine["leased"];
      };
      if (raw.hold !== undefined) {
        holds.set(raw.hold, raw.d!);
        return null;
      }
      // Lines written before events were journaled as their rows carry the event itself.
      const event = raw.row ? eventFromRow(raw.row) : reviveEvent(raw.event!);
      const e = event as Record<string, unknown>;
      if (raw.leased) {
        const l = raw.leased;
        const heldHolds: SettledLeasedHold[] = l.h.map(([n, used, back]) => {
          const d = holds.get(n);
          if (!d) throw new Error(`journal line names hold ${n}, not defined before it`);
          return { leaseId: d[0] ?? null, scopeId: d[1]!, metric: d[2]!, windowStart: d[3]!, used: BigInt(used), back: BigInt(back) };
        });
        return {
          event,
          settlement: {
            reservationId: l.r,
            accountId: l.a ?? (e.accountId as string),
            actual: reviveBig(l.actual),
            costNanos: BigInt(l.cost),
            ledger: l.lr ? ledgerFromRow(l.lr).ledger : l.ledger!,
            leased: { usageEventId: l.e ?? (e.id as string), eventAt: l.t ?? event.createdAt!.toISOString(), holds: heldHolds },
          },
        };
      }
      if (!raw.settlement) return { event };
      const s = raw.settlement;
      const leased = s.leased as { usageEventId: string; eventAt: string; holds: (Omit<SettledLeasedHold, "used" | "back"> & { used: string; back: string })[] } | undefined;
      return {
        event,
        settlement: {
          ...(s as unknown as DeferredSettlement),
          actual: reviveBig(s.actual as Record<string, string>),
          costNanos: BigInt(s.costNanos as string),
          ...(leased ? { leased: { ...leased, holds: leased.holds.map((h) => ({ ...h, used: BigInt(h.used), back: BigInt(h.back) })) } } : {}),
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
    /** The ledger debit's row (ledgerRowJson); a request that cost nothing has its ledger instead. */
    lr?: LedgerRow;
    ledger?: DeferredSettlement["ledger"];
    h: [number, string, string][];
  };
}

const reviveEvent = (e: Record<string, unknown>) =>
  ({
    ...e,
    costNanos: e.costNanos === undefined || e.costNanos === null ? e.costNanos : BigInt(e.costNanos as string),
    createdAt: e.createdAt ? new Date(e.createdAt as string) : undefined,
  }) as NewUsageEvent;

const reviveBig = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, BigInt(v)]));
