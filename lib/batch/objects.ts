import { randomBytes } from "node:crypto";
import type { LineCounts } from "@/db/queries/batches";
import type { Batch, StoredFile } from "@/db/schema";

/*
 * Files and batches in the shapes OpenAI's API gives them, so the `openai`
 * SDKs (and tools built on them) read them unchanged.
 */

export const newFileId = () => `file-${randomBytes(12).toString("hex")}`;
export const newBatchId = () => `batch_${randomBytes(12).toString("hex")}`;
/** A line's id in the output and error files: stable, so a rewritten file says the same. */
export const lineId = (batchId: string, lineNo: number) => `batch_req_${batchId.slice("batch_".length)}_${lineNo}`;

const seconds = (d: Date | null) => (d ? Math.floor(d.getTime() / 1000) : null);

export function fileObject(f: StoredFile) {
  return {
    id: f.id,
    object: "file",
    bytes: f.bytes,
    created_at: seconds(f.createdAt),
    expires_at: null,
    filename: f.filename,
    purpose: f.purpose,
    status: "processed",
    status_details: null,
  };
}

const NO_LINES: LineCounts = { total: 0, completed: 0, failed: 0, promptTokens: 0, completionTokens: 0, reasoningTokens: 0, costNanos: 0n };

export function batchObject(b: Batch, counts: LineCounts = NO_LINES) {
  return {
    id: b.id,
    object: "batch",
    endpoint: b.endpoint,
    errors: b.errors ? { object: "list", data: b.errors } : null,
    input_file_id: b.inputFileId,
    completion_window: b.completionWindow,
    status: b.status,
    output_file_id: b.outputFileId,
    error_file_id: b.errorFileId,
    created_at: seconds(b.createdAt),
    in_progress_at: seconds(b.inProgressAt),
    expires_at: seconds(b.expiresAt),
    finalizing_at: seconds(b.finalizingAt),
    completed_at: seconds(b.completedAt),
    failed_at: seconds(b.failedAt),
    expired_at: seconds(b.expiredAt),
    cancelling_at: seconds(b.cancellingAt),
    cancelled_at: seconds(b.cancelledAt),
    request_counts: { total: counts.total, completed: counts.completed, failed: counts.failed },
    usage: {
      input_tokens: counts.promptTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: counts.completionTokens,
      output_tokens_details: { reasoning_tokens: counts.reasoningTokens },
      total_tokens: counts.promptTokens + counts.completionTokens,
    },
    metadata: b.metadata ?? null,
  };
}

export type BatchObject = ReturnType<typeof batchObject>;
