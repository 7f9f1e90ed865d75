import { countLines, listBatchesForAccount } from "@/db/queries/batches";

export interface ConsoleBatch {
  id: string;
  status: string;
  endpoint: string;
  createdAt: string;
  endedAt: string | null;
  expiresAt: string;
  total: number;
  completed: number;
  failed: number;
  /** Nano-euros, as text (bigint does not cross to the browser). */
  costNanos: string;
  inputFileId: string;
  outputFileId: string | null;
  errorFileId: string | null;
  description: string | null;
}

const ACTIVE = new Set(["validating", "in_progress", "finalizing", "cancelling"]);
export const isActive = (status: string) => ACTIVE.has(status);

/** An account's latest batches with their progress and cost, for the console's batches page. */
export async function consoleBatches({ accountId, limit = 50 }: { accountId: string; limit?: number }): Promise<ConsoleBatch[]> {
  const rows = (await listBatchesForAccount({ accountId, limit })) ?? [];
  const counts = await countLines({ batchIds: rows.map((r) => r.id) });
  return rows.map((b) => {
    const c = counts.get(b.id);
    const ended = b.completedAt ?? b.failedAt ?? b.expiredAt ?? b.cancelledAt;
    return {
      id: b.id,
      status: b.status,
      endpoint: b.endpoint,
      createdAt: b.createdAt.toISOString(),
      endedAt: ended ? ended.toISOString() : null,
      expiresAt: b.expiresAt.toISOString(),
      total: c?.total ?? 0,
      completed: c?.completed ?? 0,
      failed: c?.failed ?? 0,
      costNanos: (c?.costNanos ?? 0n).toString(),
      inputFileId: b.inputFileId,
      outputFileId: b.outputFileId,
      errorFileId: b.errorFileId,
      // OpenAI's convention for a human label; shown when set.
      description: b.metadata?.description ?? null,
    };
  });
}
