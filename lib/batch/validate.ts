import readline from "node:readline";
import { batchStatus, endValidation, insertLines, type NewLine } from "@/db/queries/batches";
import { findFileForAccount } from "@/db/queries/files";
import type { Batch } from "@/db/schema";
import { checkLine } from "./lines";
import type { FileStorage } from "./storage";

const CHUNK = 500;
/** The batch's `errors` list (when it fails) shows this many of its lines' problems. */
const SHOWN_ERRORS = 10;

/**
 * Read a batch's input file line by line (streamed, whatever its size),
 * check every line and store it as a line to run or as an invalid line with
 * its error. Resumable: lines stored by a lost instance are kept. The batch
 * fails only when its file cannot be read or holds no valid line.
 */
export async function validateBatch({
  batch,
  workerId,
  storage,
  maxBodyBytes,
  stopping = () => false,
}: {
  batch: Batch;
  workerId: string;
  storage: FileStorage;
  maxBodyBytes: number;
  /** True when this instance shuts down: it stops reading and another instance resumes. */
  stopping?: () => boolean;
}) {
  const fail = (code: string, message: string, line: number | null = null) =>
    endValidation({ id: batch.id, workerId, errors: [{ code, message, param: line === null ? "input_file_id" : null, line }] });
  const file = await findFileForAccount({ accountId: batch.accountId, id: batch.inputFileId });
  if (!file) return fail("file_not_found", `The input file ${batch.inputFileId} was deleted before the batch started`);
  let input;
  try {
    input = await storage.get(file.storageKey);
  } catch {
    return fail("file_unavailable", `The input file ${batch.inputFileId} could not be read from storage`);
  }
  const seen = new Set<string>();
  const invalid: { code: string; message: string; line: number }[] = [];
  let chunk: NewLine[] = [];
  let lineNo = 0;
  let valid = 0;
  const flush = async () => {
    await insertLines({ batchId: batch.id, lines: chunk });
    chunk = [];
    // A batch cancelled while it is read stops being read.
    return (await batchStatus({ id: batch.id })) === "validating";
  };
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const text of lines) {
      if (text.trim() === "") continue;
      const checked = checkLine(text, lineNo, batch.endpoint, seen, maxBodyBytes);
      chunk.push({ lineNo, ...checked });
      if (checked.error) {
        if (invalid.length < SHOWN_ERRORS) invalid.push({ ...checked.error, line: lineNo + 1 });
      } else valid++;
      lineNo++;
      if (chunk.length >= CHUNK) {
        if (!(await flush())) return endValidation({ id: batch.id, workerId, errors: null });
        if (stopping()) return false;
      }
    }
  } finally {
    lines.close();
    input.destroy();
  }
  if (chunk.length > 0 && !(await flush())) return endValidation({ id: batch.id, workerId, errors: null });
  if (lineNo === 0) return fail("empty_file", "The input file has no request in it: write one JSON request per line");
  if (valid === 0) return endValidation({ id: batch.id, workerId, errors: invalid.map((e) => ({ ...e, param: null })) });
  return endValidation({ id: batch.id, workerId, errors: null });
}
