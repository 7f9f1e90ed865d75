import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type DeferredSettlement, ledgerRowJson } from "@/db/queries/limits";
import { eventRowJson } from "@/db/queries/usage";
import { JournalCodec, type JournalEntry } from "./journal-codec";

const account = randomUUID();
const key = randomUUID();
const leases = { hour: randomUUID(), day: randomUUID(), month: randomUUID() };

function entry(n: number, opts: { leased?: boolean; at?: Date } = {}): JournalEntry {
  const id = randomUUID();
  const at = opts.at ?? new Date(Date.UTC(2026, 11, 2, 4, 0, n));
  const settlement: DeferredSettlement = {
    reservationId: randomUUID(),
    accountId: account,
    actual: { output_tokens_hour: 16n, spend_month: 142_400n + BigInt(n) },
    costNanos: 142_400n + BigInt(n),
    ledger: { keyId: key, modelId: "m", usageEventId: id, at: at.toISOString(), details: { request_id: `chatcmpl-${n}`, quantities: { output_token: "16" } } },
    ...(opts.leased === false
      ? {}
      : {
          leased: {
            usageEventId: id,
            eventAt: at.toISOString(),
            holds: [
              { leaseId: leases.hour, scopeId: account, metric: "output_tokens_hour", windowStart: "2026-12-02T04:00:00.000Z", used: 16n, back: 16n },
              { leaseId: leases.month, scopeId: account, metric: "spend_month", windowStart: "2026-12-01T00:00:00.000Z", used: BigInt(142_400 + n), back: 0n },
              // Counted only: no lease.
              { leaseId: null, scopeId: key, metric: "output_tokens_hour", windowStart: "2026-12-02T04:00:00.000Z", used: 16n, back: 0n },
            ],
          },
        }),
  };
  return {
    event: {
      id,
      requestId: `chatcmpl-${n}`,
      accountId: account,
      userId: null,
      keyId: key,
      endpoint: "chat.completions",
      modelId: "m",
      backendId: null,
      status: 200,
      errorCode: null,
      promptTokens: 8,
      completionTokens: 16,
      reasoningTokens: 0,
      units: {},
      costNanos: settlement.costNanos,
      latencyMs: 2,
      ttftMs: null,
      streamed: false,
      clientAborted: false,
      estimated: false,
      batchId: null,
      createdAt: at,
    },
    settlement,
  };
}

/** The line of the earlier form: the whole settlement on it. */
function earlierLine(e: JournalEntry): string {
  const s = e.settlement!;
  return JSON.stringify({
    event: { ...e.event, costNanos: e.event.costNanos!.toString() },
    settlement: {
      ...s,
      actual: Object.fromEntries(Object.entries(s.actual).map(([k, v]) => [k, v.toString()])),
      costNanos: s.costNanos.toString(),
      leased: { ...s.leased!, holds: s.leased!.holds.map((h) => ({ ...h, used: h.used.toString(), back: h.back.toString() })) },
    },
  });
}

/** Read a segment back as the recorder does after a restart. */
function readSegment(text: string): JournalEntry[] {
  const decode = JournalCodec.decoder();
  return text
    .split("\n")
    .filter((l) => l.trim())
    .flatMap((l) => {
      const e = decode(l);
      return e ? [e] : [];
    });
}

describe("journal lines", () => {
  it("write each hold once per segment and read every entry back as it was", () => {
    const codec = new JournalCodec();
    const entries = Array.from({ length: 50 }, (_, n) => entry(n));
    const texts = entries.map((e) => codec.encode(e));
    // The first line defines the holds, the others only name them: much shorter than the whole settlement.
    expect(texts[0]!.split("\n")).toHaveLength(4);
    expect(texts[1]!.split("\n")).toHaveLength(1);
    expect(texts[1]!.length).toBeLessThan(earlierLine(entries[1]!).length * 0.75);
    expect(texts[1]).not.toContain(leases.hour);
    expect(readSegment(texts.join("\n"))).toEqual(entries);
  });

  it("defines the holds again in a new segment, so each segment reads on its own", () => {
    const codec = new JournalCodec();
    const first = [entry(1), entry(2)];
    const a = first.map((e) => codec.encode(e)).join("\n");
    codec.rotate();
    const second = [entry(3), entry(4)];
    const b = second.map((e) => codec.encode(e)).join("\n");
    expect(b).toContain(leases.hour);
    expect(readSegment(b)).toEqual(second);
    expect(readSegment(a)).toEqual(first);
  });

  it("keeps what differs from the event, and entries without leases or settlement, as they are", () => {
    const codec = new JournalCodec();
    const other = entry(5);
    other.settlement!.leased!.eventAt = "2026-12-02T03:59:59.000Z";
    other.settlement!.accountId = randomUUID();
    const exact = entry(6, { leased: false });
    const bare: JournalEntry = { event: { ...entry(7).event, costNanos: 0n } };
    const text = [other, exact, bare].map((e) => codec.encode(e)).join("\n");
    expect(readSegment(text)).toEqual([other, exact, bare]);
  });

  it("carries the event's row and the ledger debit's row as the batch's writes send them, serialized once", () => {
    const codec = new JournalCodec();
    const e = entry(9);
    const text = codec.encode(e);
    const line = text.split("\n").at(-1)!;
    expect(line).toContain(`"row":${eventRowJson(e.event)}`);
    expect(line).toContain(`"lr":${ledgerRowJson(e.settlement!)}`);
    expect(JSON.parse(line).row).toMatchObject({ id: e.event.id, cost_nanos: String(e.event.costNanos), created_at: e.event.createdAt!.toISOString() });
    // A copy of a recorded event, then changed, is serialized afresh: it does not take the first one's text along.
    const copy = { ...e.event, costNanos: 1n };
    expect(JSON.parse(eventRowJson(copy)).cost_nanos).toBe("1");
    // A request that cost nothing has no ledger debit: its ledger stays on the line, and reads back.
    const free = entry(10);
    free.settlement!.costNanos = 0n;
    expect(ledgerRowJson(free.settlement!)).toBeNull();
    expect(readSegment(`${text}\n${codec.encode(free)}`)).toEqual([e, free]);
  });

  it("refuses a line naming a hold its segment never defined", () => {
    const codec = new JournalCodec();
    codec.encode(entry(1));
    const line = codec.encode(entry(2));
    expect(() => JournalCodec.decoder()(line)).toThrow(/hold 0/);
  });

  it("still reads lines of the earlier form, with the whole settlement on the line", () => {
    const e = entry(8);
    expect(JournalCodec.decoder()(earlierLine(e))).toEqual(e);
  });
});
