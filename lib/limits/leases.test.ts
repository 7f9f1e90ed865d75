import { describe, expect, it } from "vitest";
import type { LeaseOp, LeaseResult, OwnLease } from "@/db/queries/limits";
import { AccountLeases, grantOp, windowStartOf, windowsOf } from "./leases";

/*
 * What an instance counts as its own room in a snapshot of a counter, when
 * the snapshot and what the instance applied of its lease calls disagree: a
 * grant committed before the snapshot and applied after its answer, one
 * applied before the answer and committed after, a lease closed here whose
 * give reached the database before or after the snapshot.
 */

const LIMIT = 150_000n;
const at = new Date("2030-01-01T10:30:00Z");
const { current } = windowsOf("tokensHour", at, "UTC");
const ws = windowStartOf(current);
const range = [ws - 3_600_000, ws + 60_000] as const;

function setup() {
  const acct = new AccountLeases("account", "UTC", null);
  const limit = acct.limit("account", "output_tokens_hour", "tokensHour", LIMIT);
  /** A grant (or top-up) answered by the database: `reserved` is what the counter holds once it is granted. */
  const grant = (want: bigint, granted: bigint, seq: bigint, reserved: bigint, own: (o: OwnLease[]) => OwnLease[] = (o) => o) => {
    const { op, lease } = grantOp(limit, current, want);
    const g = op as Extract<LeaseOp, { op: "grant" }>;
    const before = limit.leases.map((l) => ({ id: l.id, granted: l.granted, draining: false }));
    const mine = before.find((o) => o.id === g.id);
    const rows = mine ? before.map((o) => (o.id === g.id ? { ...o, granted: o.granted + granted } : o)) : [...before, { id: g.id, granted, draining: false }];
    const result: LeaseResult = { granted, left: LIMIT - reserved, used: 0n, reserved, oldest: null, gone: false, stale: false, seq, own: own(rows) };
    return { op: g, lease, apply: () => acct.applyGrant(limit, g, lease, result, ws) };
  };
  const room = (own: OwnLease[]) => acct.roomAt(limit, own, ...range);
  const remaining = () => (limit.left ?? 0n) + limit.available;
  return { acct, limit, grant, room, remaining };
}

describe("an instance's room in a snapshot of its counter", () => {
  it("counts a grant committed before the snapshot once, whether it was applied here before the answer was read or after", () => {
    const { acct, limit, grant, room, remaining } = setup();
    grant(4_000n, 4_000n, 1n, 4_000n).apply();
    const id = limit.leases[0]!.id;
    expect(remaining()).toBe(LIMIT);
    // A top-up of 2,000 is committed, then a reservation of 1,000 is; the reservation's answer is read first.
    const topUp = grant(2_000n, 2_000n, 2n, 6_000n);
    const snapshot = [{ id, granted: 6_000n, draining: false }];
    expect(room(snapshot)).toBe(6_000n);
    // Its headers: limit - used - reserved (the top-up and the reservation) + room.
    expect(LIMIT - 7_000n + room(snapshot)).toBe(LIMIT - 1_000n);
    expect(limit.observe(ws, 3n, LIMIT - 7_000n + room(snapshot) - limit.available, null)).toBe(true);
    expect(remaining()).toBe(LIMIT - 1_000n);
    // The top-up applied afterwards (an older snapshot): room here now, no longer left.
    topUp.apply();
    expect(limit.available).toBe(6_000n);
    expect(remaining()).toBe(LIMIT - 1_000n);
    // A new lease of the call in flight, granted before the snapshot: all of it is room.
    acct.asking = new Set(["new-lease"]);
    expect(room([...snapshot, { id: "new-lease", granted: 3_000n, draining: false }])).toBe(9_000n);
  });

  it("leaves out a grant applied here before the answer was read and committed after the snapshot", () => {
    const { limit, grant, room, remaining } = setup();
    grant(4_000n, 4_000n, 1n, 4_000n).apply();
    const id = limit.leases[0]!.id;
    // A reservation of 1,000 is committed (snapshot 2), then a top-up of 2,000 (snapshot 3), applied first.
    grant(2_000n, 2_000n, 3n, 7_000n).apply();
    expect(remaining()).toBe(LIMIT - 1_000n);
    const snapshot = [{ id, granted: 4_000n, draining: false }];
    expect(room(snapshot)).toBe(4_000n);
    expect(LIMIT - 5_000n + room(snapshot)).toBe(LIMIT - 1_000n);
    // The older snapshot does not replace the newer state.
    expect(limit.observe(ws, 2n, 0n, null)).toBe(false);
    expect(remaining()).toBe(LIMIT - 1_000n);
  });

  it("counts what a lease closed here held unused until a snapshot finds it given back", () => {
    const { acct, limit, grant, room, remaining } = setup();
    grant(4_000n, 4_000n, 1n, 4_000n).apply();
    const id = limit.leases[0]!.id;
    const drawn = acct.draw([{ limit, windowStart: ws, amount: 1_000n }])!;
    expect(drawn).toHaveLength(1);
    expect(remaining()).toBe(LIMIT - 1_000n);
    // Closed (its bucket is over, say): 3,000 unused go back; remaining stays as it was.
    const read = acct.reads();
    const gives = acct.close(limit);
    expect(gives).toEqual([{ id, amount: 3_000n }]);
    expect(remaining()).toBe(LIMIT - 1_000n);
    // A snapshot taken before the give reached the database counts the lease whole as reserved: the 3,000 are room.
    expect(room([{ id, granted: 4_000n, draining: false }])).toBe(3_000n);
    // One taken after finds it draining (its 1,000 in flight still reserved): no room.
    expect(room([{ id, granted: 4_000n, draining: true }])).toBe(0n);
    // The give done: a snapshot asked for before still may find it not given back; one asked for after cannot.
    acct.given(gives);
    expect(room([{ id, granted: 4_000n, draining: false }])).toBe(3_000n);
    // Once no snapshot asked for before the give is on its way, the lease is forgotten (the next ones find it given back).
    read();
    expect(room([{ id, granted: 4_000n, draining: false }])).toBe(0n);
  });
});
