import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { NewUsageEvent } from "@/db/queries/usage";
import { Journal } from "./journal";
import { UsageRecorder } from "./usage";

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function journal() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llmaas-journal-"));
  dirs.push(dir);
  return new Journal(dir);
}

const event = (): NewUsageEvent => ({ id: randomUUID(), requestId: `req-${randomUUID()}`, endpoint: "chat.completions", status: 200, costNanos: 1200n, createdAt: new Date() });

const lines = (j: Journal) =>
  fs
    .readdirSync(j.dir)
    .flatMap((f) => fs.readFileSync(path.join(j.dir, f), "utf8").split("\n"))
    .filter(Boolean);

describe("UsageRecorder's journal", () => {
  it("writes the lines of one turn of the event loop at once, and the answers wait for that write", async () => {
    const j = journal();
    const append = vi.spyOn(j, "append");
    const recorder = new UsageRecorder({ journal: j });
    const events = [event(), event(), event()];
    const written = events.map((e) => recorder.record(e));
    // Queued (counted as pending settlements) at once, on disk only at the end of the turn.
    expect(recorder.pending).toBe(3);
    expect(append).not.toHaveBeenCalled();
    let done = false;
    void Promise.all(written).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);

    await Promise.all(written);
    expect(append).toHaveBeenCalledTimes(1);
    expect(lines(j).map((l) => JSON.parse(l).row.id)).toEqual(events.map((e) => e.id));

    // The next turn's lines go in a write of their own, after the first.
    const later = event();
    await recorder.record(later);
    expect(append).toHaveBeenCalledTimes(2);
    expect(lines(j).map((l) => JSON.parse(l).row.id)).toEqual([...events, later].map((e) => e.id));
  });

  it("writes the line of a request that ends alone at once, with the lines of its turn before it", async () => {
    const j = journal();
    const append = vi.spyOn(j, "append");
    const recorder = new UsageRecorder({ journal: j });
    const first = event();
    const waiting = recorder.record(first);
    const alone = event();
    const written = recorder.record(alone, undefined, true);
    expect(append).toHaveBeenCalledTimes(1);
    expect(lines(j).map((l) => JSON.parse(l).row.id)).toEqual([first.id, alone.id]);
    await Promise.all([waiting, written]);
    // The end of the turn finds nothing left to write.
    await new Promise((r) => setImmediate(r));
    expect(append).toHaveBeenCalledTimes(1);
  });

  it("fails the requests of a turn whose write failed, and queues none of them (not journaled, not billed)", async () => {
    const j = journal();
    const recorder = new UsageRecorder({ journal: j });
    await recorder.record(event());
    vi.spyOn(j, "append").mockImplementationOnce(() => {
      throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    });
    const written = [recorder.record(event()), recorder.record(event())];
    const outcomes = await Promise.allSettled(written);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    expect(recorder.pending).toBe(1);
    // The journal works again: the next request is journaled and queued.
    await recorder.record(event());
    expect(recorder.pending).toBe(2);
    expect(lines(j)).toHaveLength(2);
  });

  it("without a journal, queues at once and has nothing to wait for", () => {
    const recorder = new UsageRecorder();
    expect(recorder.record(event())).toBeUndefined();
    expect(recorder.pending).toBe(1);
  });
});
