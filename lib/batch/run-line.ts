import { getDb } from "@/db/client";
import { type ClaimedLine, type LineAnswer, type LineHold, holdLines, lineKey, releaseLine, storeLineAnswers } from "@/db/queries/batches";
import type { AuthenticatedKey } from "../keys/cache";
import { log } from "../log";
import type { BatchLine, LineEnd } from "../gateway/context";
import { type Gateway, invalidKey } from "../gateway/pipeline";
import type { UsageRecorder } from "../gateway/usage";

export interface FinishedLine {
  hold: LineHold;
  answer: LineAnswer;
  /** Absent when the line never reached the pipeline (its key was revoked). */
  end: LineEnd | undefined;
}

/** Run one claimed line through the gateway, exactly as a live request with the batch's key. */
export async function runLine({
  gateway,
  line,
  hold,
  endpoint,
  key,
}: {
  gateway: Gateway;
  line: ClaimedLine;
  hold: LineHold;
  endpoint: string;
  key: AuthenticatedKey | null;
}): Promise<FinishedLine> {
  const hook: BatchLine = { batchId: line.batchId };
  const response = key
    ? await gateway.handle(
        new Request(`http://batch.internal${endpoint}`, { method: "POST", headers: { "content-type": "application/json" }, body: line.body }),
        { key, batch: hook },
      )
    : // The batch's key was revoked or expired since: its lines are refused like its requests would be.
      invalidKey().toResponse();
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { error: { message: "The answer was not JSON", type: "server_error", param: null, code: null } };
  }
  const end = hook.ended;
  return {
    hold,
    end,
    answer: {
      requestId: response.headers.get("x-request-id"),
      statusCode: response.status,
      response: body,
      promptTokens: end?.usage.promptTokens ?? 0,
      completionTokens: end?.usage.completionTokens ?? 0,
      reasoningTokens: end?.usage.reasoningTokens ?? 0,
      costNanos: end?.cost ?? 0n,
    },
  };
}

/**
 * Stores finished lines: their answers, usage events and settlements in one
 * transaction, for the lines this worker's attempts still hold. Lines that
 * end while a transaction runs are stored together in the next, so a busy
 * worker commits in groups and holds the account's balance row (which live
 * requests reserve against) once per group, only from its settlements,
 * written last, to the commit. A line no longer held (taken over after this
 * instance was judged lost) has its reservation given back unbilled.
 */
export class LineStore {
  private queue: { line: FinishedLine; done: () => void }[] = [];
  private running = false;

  constructor(private readonly recorder: UsageRecorder, private readonly maxGroup = 100) {}

  /** Resolves once the line is stored, discarded, or put back in the queue. */
  add(line: FinishedLine): Promise<void> {
    return new Promise((done) => {
      this.queue.push({ line, done });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.maxGroup);
        await this.store(group.map((g) => g.line));
        for (const g of group) g.done();
      }
    } finally {
      this.running = false;
    }
  }

  private async store(lines: FinishedLine[]): Promise<void> {
    let held = new Set<string>();
    try {
      const db = await getDb();
      held = await db.transaction(async (tx) => {
        const mine = await holdLines({ db: tx, lines: lines.map((l) => l.hold) });
        const kept = lines.filter((l) => mine.has(lineKey(l.hold)));
        await storeLineAnswers({ db: tx, answers: kept.map((l) => ({ ...l.answer, batchId: l.hold.batchId, lineNo: l.hold.lineNo })) });
        await this.recorder.store(
          kept.flatMap((l) => (l.end ? [l.end.event] : [])),
          tx,
        );
        for (const l of kept) await l.end?.settle(tx);
        return mine;
      });
    } catch (err) {
      log.warn("storing batch lines failed; they will run again", { lines: lines.length, error: (err as Error).message });
      for (const l of lines) await releaseLine({ line: l.hold }).catch(() => {});
    }
    for (const l of lines) if (!held.has(lineKey(l.hold))) await l.end?.discard().catch(() => {});
  }
}
