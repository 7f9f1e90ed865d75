import { Readable } from "node:stream";
import { getDb } from "@/db/client";
import { countLines, endBatch, readLinesPage } from "@/db/queries/batches";
import { insertFile } from "@/db/queries/files";
import type { Batch, BatchLineRow } from "@/db/schema";
import { lineId, newFileId } from "./objects";
import type { FileStorage } from "./storage";

const PAGE = 1000;

const answered = (l: BatchLineRow) => l.statusCode !== null && l.statusCode >= 200 && l.statusCode < 300;

/** A line as OpenAI's output and error files write it. */
function resultLine(batchId: string, l: BatchLineRow): string {
  const response = l.statusCode === null ? null : { status_code: l.statusCode, request_id: l.requestId, body: l.response };
  return `${JSON.stringify({ id: lineId(batchId, l.lineNo), custom_id: l.customId, response, error: l.statusCode === null ? l.error : null })}\n`;
}

async function* linesOf(batchId: string, keep: (l: BatchLineRow) => boolean) {
  let after = -1;
  for (;;) {
    const rows = await readLinesPage({ batchId, afterLineNo: after, limit: PAGE });
    if (rows.length === 0) return;
    let text = "";
    for (const l of rows) if (keep(l)) text += resultLine(batchId, l);
    if (text) yield text;
    after = rows.at(-1)!.lineNo;
  }
}

/**
 * Write a sealed batch's output file (answers with a 2xx status) and error
 * file (every other line), in input order, then end the batch with them. A
 * file with no line is not written. Run again from the start if the
 * instance doing it is lost; nothing is shown until the batch ends.
 */
export async function finalizeBatch({ batch, workerId, storage }: { batch: Batch; workerId: string; storage: FileStorage }) {
  const counts = (await countLines({ batchIds: [batch.id] })).get(batch.id);
  const written: { id: string; key: string; filename: string; bytes: number }[] = [];
  const write = async (kind: "output" | "error", keep: (l: BatchLineRow) => boolean, lines: number) => {
    if (lines === 0) return null;
    const id = newFileId();
    const key = `${batch.accountId}/${id}`;
    const { bytes } = await storage.put(key, Readable.from(linesOf(batch.id, keep)));
    written.push({ id, key, filename: `${batch.id}_${kind}.jsonl`, bytes });
    return id;
  };
  try {
    const outputFileId = await write("output", answered, counts?.completed ?? 0);
    const errorFileId = await write("error", (l) => !answered(l), counts?.failed ?? 0);
    const db = await getDb();
    await db.transaction(async (tx) => {
      for (const f of written) {
        await insertFile({ db: tx, values: { id: f.id, accountId: batch.accountId, purpose: "batch_output", filename: f.filename, bytes: f.bytes, storageKey: f.key } });
      }
      // Taken over by another instance meanwhile: its files are the ones that count.
      if (!(await endBatch({ db: tx, id: batch.id, workerId, outcome: batch.outcome ?? "completed", outputFileId, errorFileId }))) {
        throw new Error("the batch was taken over");
      }
    });
  } catch (err) {
    for (const f of written) await storage.delete(f.key).catch(() => {});
    throw err;
  }
}
