import { type SQL, and, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import { type Db, getDb } from "../client";
import { type Batch, apiKeys, batchLines, batches } from "../schema";
import { rowsOf } from "./rows";

/*
 * Batches as their owners see them (…ForAccount, always scoped), and the
 * queue that workers share (…ForPlatform): lines are claimed with FOR UPDATE
 * SKIP LOCKED, and a line or batch held by an instance that stopped beating
 * (gateway_instances) is taken over.
 */

const TERMINAL = ["completed", "failed", "expired", "cancelled"];

/**
 * A new batch. It expires `windowSeconds` after its creation, both read off the
 * database's clock in one statement, so the two always lie exactly that far apart.
 */
export async function insertBatch({ windowSeconds, ...values }: Omit<typeof batches.$inferInsert, "expiresAt" | "createdAt"> & { windowSeconds: number }) {
  const db = await getDb();
  const [row] = await db
    .insert(batches)
    .values({ ...values, expiresAt: sql`now() + make_interval(secs => ${windowSeconds})` })
    .returning();
  return row!;
}

export async function findBatchForAccount({ accountId, id }: { accountId: string; id: string }) {
  const db = await getDb();
  const [row] = await db.select().from(batches).where(and(eq(batches.accountId, accountId), eq(batches.id, id)));
  return row ?? null;
}

/** An account's batches, newest first, after the batch `after`. Null when `after` is not one of them. */
export async function listBatchesForAccount({ accountId, limit, after }: { accountId: string; limit: number; after?: string }) {
  const db = await getDb();
  let cursor = undefined;
  if (after) {
    const from = await findBatchForAccount({ accountId, id: after });
    if (!from) return null;
    cursor = or(lt(batches.createdAt, from.createdAt), and(eq(batches.createdAt, from.createdAt), lt(batches.id, from.id)));
  }
  return db
    .select()
    .from(batches)
    .where(and(eq(batches.accountId, accountId), cursor))
    .orderBy(desc(batches.createdAt), desc(batches.id))
    .limit(limit);
}

/** Ask a batch to stop: it is cancelled once the lines in flight have ended. Null when it cannot be (already over). */
export async function cancelBatchForAccount({ accountId, id }: { accountId: string; id: string }) {
  const db = await getDb();
  const [row] = await db
    .update(batches)
    .set({ status: "cancelling", cancellingAt: sql`now()` })
    .where(and(eq(batches.accountId, accountId), eq(batches.id, id), inArray(batches.status, ["validating", "in_progress"]), sql`${batches.sealedAt} is null`))
    .returning();
  return row ?? null;
}

export interface LineCounts {
  total: number;
  completed: number;
  failed: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  costNanos: bigint;
}

/** Progress of batches (already scoped by the caller, who read them for an account): counts, tokens, cost. */
export async function countLines({ batchIds }: { batchIds: string[] }): Promise<Map<string, LineCounts>> {
  const out = new Map<string, LineCounts>();
  if (batchIds.length === 0) return out;
  const db = await getDb();
  const rows = rowsOf(
    await db.execute(sql`select batch_id, count(*)::int as total,
        count(*) filter (where state = 'done' and status_code between 200 and 299)::int as completed,
        count(*) filter (where state in ('done', 'invalid') and (status_code is null or status_code not between 200 and 299))::int as failed,
        coalesce(sum(prompt_tokens), 0)::bigint::text as prompt, coalesce(sum(completion_tokens), 0)::bigint::text as completion,
        coalesce(sum(reasoning_tokens), 0)::bigint::text as reasoning, coalesce(sum(cost_nanos), 0)::text as cost
      from batch_lines where batch_id in (${sql.join(batchIds.map((id) => sql`${id}`), sql`, `)}) group by batch_id`),
  );
  for (const r of rows) {
    out.set(String(r.batch_id), {
      total: Number(r.total),
      completed: Number(r.completed),
      failed: Number(r.failed),
      promptTokens: Number(r.prompt),
      completionTokens: Number(r.completion),
      reasoningTokens: Number(r.reasoning),
      costNanos: BigInt(String(r.cost)),
    });
  }
  return out;
}

/** Condition: the instance `column` names is gone or silent since `staleBefore`. */
const lost = (column: string, staleBefore: Date) =>
  sql`not exists (select 1 from gateway_instances i where i.id = ${sql.raw(column)} and i.heartbeat_at >= ${staleBefore.toISOString()}::timestamptz)`;

/** Take the first batch (by `order`) that meets `condition` and no live instance holds. */
async function claimBatch({ workerId, staleBefore, condition, order }: { workerId: string; staleBefore: Date; condition: SQL; order: SQL }) {
  const db = await getDb();
  const [row] = await db
    .update(batches)
    .set({ workerId })
    .where(
      eq(
        batches.id,
        sql`(select b.id from batches b where ${condition} and (b.worker_id is null or ${lost("b.worker_id", staleBefore)})
          order by ${order} limit 1 for update of b skip locked)`,
      ),
    )
    .returning();
  return row ?? null;
}

/** Take a batch to validate: a new one, or one whose validating instance was lost. */
export const claimValidationForPlatform = ({ workerId, staleBefore }: { workerId: string; staleBefore: Date }): Promise<Batch | null> =>
  claimBatch({ workerId, staleBefore, condition: sql`b.status = 'validating'`, order: sql`b.created_at` });

export interface NewLine {
  lineNo: number;
  customId: string | null;
  body: string | null;
  error: { code: string; message: string } | null;
}

/** Store validated lines; lines already stored (a validation resumed after a lost instance) are kept as they are. */
export async function insertLines({ batchId, lines }: { batchId: string; lines: NewLine[] }) {
  if (lines.length === 0) return;
  const db = await getDb();
  await db
    .insert(batchLines)
    .values(
      lines.map((l) => ({
        batchId,
        lineNo: l.lineNo,
        customId: l.customId,
        body: l.body,
        state: l.error ? "invalid" : "pending",
        error: l.error,
        finishedAt: l.error ? sql`now()` : null,
      })),
    )
    .onConflictDoNothing();
}

/** End a validation this instance holds: in progress, or failed with `errors`. False when it was cancelled meanwhile. */
export async function endValidation({ id, workerId, errors }: { id: string; workerId: string; errors: Batch["errors"] }) {
  const db = await getDb();
  const values = errors ? { status: "failed", errors, failedAt: sql`now()`, sealedAt: sql`now()`, workerId: null } : { status: "in_progress", inProgressAt: sql`now()`, workerId: null };
  const rows = await db
    .update(batches)
    .set(values as never)
    .where(and(eq(batches.id, id), eq(batches.workerId, workerId), eq(batches.status, "validating")))
    .returning({ id: batches.id });
  if (rows.length === 0) await db.update(batches).set({ workerId: null }).where(and(eq(batches.id, id), eq(batches.workerId, workerId)));
  return rows.length > 0;
}

export async function batchStatus({ id }: { id: string }) {
  const db = await getDb();
  const [row] = await db.select({ status: batches.status }).from(batches).where(eq(batches.id, id));
  return row?.status ?? null;
}

export interface ClaimedLine {
  batchId: string;
  lineNo: number;
  customId: string | null;
  body: string;
  attempts: number;
}

/**
 * Take up to `limit` pending lines to run, from the oldest open batch that
 * has some (of an account that is not suspended), in order. Each claim counts an attempt, so only the latest
 * holder can store the line's answer.
 */
export async function claimLinesForPlatform({ workerId, limit }: { workerId: string; limit: number }): Promise<ClaimedLine[]> {
  const db = await getDb();
  const rows = rowsOf(
    await db.execute(sql`update batch_lines l set state = 'running', worker_id = ${workerId}::uuid, attempts = l.attempts + 1
      from (select c.batch_id, c.line_no from batch_lines c
        where c.state = 'pending' and c.batch_id = (select b.id from batches b
          where b.status = 'in_progress' and b.sealed_at is null and b.expires_at > now()
            and exists (select 1 from batch_lines p where p.batch_id = b.id and p.state = 'pending')
            -- A suspended account's batches wait: its lines run again once it is unsuspended (or expire).
            and not exists (select 1 from accounts a where a.id = b.account_id and a.suspended_at is not null)
          order by b.created_at limit 1)
        order by c.line_no limit ${limit}
        for update of c skip locked) picked
      where l.batch_id = picked.batch_id and l.line_no = picked.line_no
      returning l.batch_id, l.line_no, l.custom_id, l.body, l.attempts`),
  );
  return rows.map((r) => ({ batchId: String(r.batch_id), lineNo: Number(r.line_no), customId: r.custom_id === null ? null : String(r.custom_id), body: String(r.body), attempts: Number(r.attempts) }));
}

export interface LineHold {
  batchId: string;
  lineNo: number;
  workerId: string;
  attempts: number;
}

const holdKey = (batchId: string, lineNo: number) => `${batchId}:${lineNo}`;

/**
 * Inside the transaction that stores lines' answers: which of these lines
 * this worker's attempt still holds, in batches still open to answers (as
 * "batchId:lineNo"). Their batches' rows are share-locked, so sealing a
 * batch waits for the answers being stored.
 */
export async function holdLines({ db, lines }: { db: Db; lines: LineHold[] }): Promise<Set<string>> {
  if (lines.length === 0) return new Set();
  const values = sql.join(
    lines.map((l) => sql`(${l.batchId}, ${l.lineNo}::int, ${l.workerId}::uuid, ${l.attempts}::int)`),
    sql`, `,
  );
  const rows = rowsOf(
    await db.execute(sql`select l.batch_id, l.line_no from batch_lines l join batches b on b.id = l.batch_id
      join (values ${values}) as v(batch_id, line_no, worker_id, attempts)
        on l.batch_id = v.batch_id and l.line_no = v.line_no and l.worker_id = v.worker_id and l.attempts = v.attempts
      where l.state = 'running' and b.sealed_at is null
      order by l.batch_id, l.line_no
      for update of l for share of b`),
  );
  return new Set(rows.map((r) => holdKey(String(r.batch_id), Number(r.line_no))));
}

export const lineKey = (l: { batchId: string; lineNo: number }) => holdKey(l.batchId, l.lineNo);

export interface LineAnswer {
  requestId: string | null;
  statusCode: number;
  response: Record<string, unknown>;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  costNanos: bigint;
}

/** Store lines' answers (lines this transaction holds), in one statement. */
export async function storeLineAnswers({ db, answers }: { db: Db; answers: (LineAnswer & { batchId: string; lineNo: number })[] }) {
  if (answers.length === 0) return;
  const json = JSON.stringify(
    answers.map((a) => ({
      batch_id: a.batchId,
      line_no: a.lineNo,
      request_id: a.requestId,
      status_code: a.statusCode,
      response: a.response,
      prompt_tokens: a.promptTokens,
      completion_tokens: a.completionTokens,
      reasoning_tokens: a.reasoningTokens,
      cost_nanos: a.costNanos.toString(),
    })),
  );
  await db.execute(sql`update batch_lines l set state = 'done', finished_at = now(), request_id = v.request_id, status_code = v.status_code,
      response = v.response, prompt_tokens = v.prompt_tokens, completion_tokens = v.completion_tokens, reasoning_tokens = v.reasoning_tokens,
      cost_nanos = v.cost_nanos
    from jsonb_to_recordset(${json}::jsonb) as v(batch_id text, line_no int, request_id text, status_code int, response jsonb,
      prompt_tokens int, completion_tokens int, reasoning_tokens int, cost_nanos bigint)
    where l.batch_id = v.batch_id and l.line_no = v.line_no`);
}

/** Put back in the queue the lines held by instances that were lost; their next claim outranks the lost attempt. */
export async function requeueLostLinesForPlatform({ staleBefore }: { staleBefore: Date }): Promise<number> {
  const db = await getDb();
  const rows = rowsOf(
    await db.execute(sql`update batch_lines c set state = 'pending' where c.state = 'running' and ${lost("c.worker_id", staleBefore)}
      and exists (select 1 from batches b where b.id = c.batch_id and b.status = 'in_progress' and b.sealed_at is null) returning 1`),
  );
  return rows.length;
}

/** Put a line this attempt holds back in the queue (its answer could not be stored). */
export async function releaseLine({ line }: { line: LineHold }) {
  const db = await getDb();
  await db.execute(sql`update batch_lines set state = 'pending' where batch_id = ${line.batchId} and line_no = ${line.lineNo}
    and state = 'running' and worker_id = ${line.workerId}::uuid and attempts = ${line.attempts}`);
}

/** Open batches that may be ready to seal: cancelled, past their window, or with nothing left to run. */
export async function listSealableForPlatform({ staleBefore }: { staleBefore: Date }): Promise<string[]> {
  const db = await getDb();
  const rows = rowsOf(
    await db.execute(sql`select b.id from batches b where b.sealed_at is null and b.status in ('in_progress', 'cancelling')
      and (b.worker_id is null or ${lost("b.worker_id", staleBefore)})
      and (b.status = 'cancelling' or b.expires_at <= now()
        or not exists (select 1 from batch_lines l where l.batch_id = b.id and l.state in ('pending', 'running')))
      order by b.created_at limit 20`),
  );
  return rows.map((r) => String(r.id));
}

/**
 * Close a batch to new answers and decide how it ends. Lines still running
 * on a live instance are waited for (false: try again later); lines that
 * will not run now (pending, or held by a lost instance) are ended with
 * `batch_expired` or `batch_cancelled`. In one transaction, under the
 * batch's row lock.
 */
export async function sealBatchForPlatform({ id, staleBefore }: { id: string; staleBefore: Date }): Promise<boolean> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [b] = rowsOf(await tx.execute(sql`select status, expires_at <= now() as expired from batches where id = ${id} and sealed_at is null for update`));
    if (!b) return false;
    const live = rowsOf(
      await tx.execute(sql`select 1 from batch_lines l join gateway_instances i on i.id = l.worker_id
        where l.batch_id = ${id} and l.state = 'running' and i.heartbeat_at >= ${staleBefore.toISOString()}::timestamptz limit 1`),
    );
    if (live.length > 0) return false;
    const left = rowsOf(await tx.execute(sql`select 1 from batch_lines where batch_id = ${id} and state in ('pending', 'running') limit 1`));
    const cancelled = b.status === "cancelling";
    const expired = !cancelled && (b.expired === true || b.expired === "t");
    if (!cancelled && !expired && left.length > 0) return false;
    const outcome = cancelled ? "cancelled" : left.length > 0 ? "expired" : "completed";
    if (left.length > 0) {
      const error = cancelled
        ? { code: "batch_cancelled", message: "This request was not executed: the batch was cancelled." }
        : { code: "batch_expired", message: "This request could not be executed before the completion window expired." };
      await tx.execute(sql`update batch_lines set state = 'done', error = ${JSON.stringify(error)}::jsonb, finished_at = now()
        where batch_id = ${id} and state in ('pending', 'running')`);
    }
    await tx.execute(sql`update batches set sealed_at = now(), outcome = ${outcome},
      status = case when ${outcome} = 'completed' then 'finalizing' else status end,
      finalizing_at = case when ${outcome} = 'completed' then now() else finalizing_at end
      where id = ${id}`);
    return true;
  });
}

/** Take a sealed batch whose files are still to write (or whose writer was lost). */
export const claimFinalizingForPlatform = ({ workerId, staleBefore }: { workerId: string; staleBefore: Date }): Promise<Batch | null> =>
  claimBatch({
    workerId,
    staleBefore,
    condition: sql`b.sealed_at is not null and b.status not in (${sql.join(TERMINAL.map((s) => sql`${s}`), sql`, `)})`,
    order: sql`b.sealed_at`,
  });

/** A page of a batch's lines in order, for writing its files. */
export async function readLinesPage({ batchId, afterLineNo, limit }: { batchId: string; afterLineNo: number; limit: number }) {
  const db = await getDb();
  return db
    .select()
    .from(batchLines)
    .where(and(eq(batchLines.batchId, batchId), sql`${batchLines.lineNo} > ${afterLineNo}`))
    .orderBy(batchLines.lineNo)
    .limit(limit);
}

/** The batch's end, with its files, if this instance still holds it. */
export async function endBatch({
  db,
  id,
  workerId,
  outcome,
  outputFileId,
  errorFileId,
}: {
  db: Db;
  id: string;
  workerId: string;
  outcome: string;
  outputFileId: string | null;
  errorFileId: string | null;
}): Promise<boolean> {
  const at = { completed: "completed_at", expired: "expired_at", cancelled: "cancelled_at" }[outcome] ?? "completed_at";
  const rows = rowsOf(
    await db.execute(sql`update batches set status = ${outcome}, ${sql.raw(at)} = now(), output_file_id = ${outputFileId}, error_file_id = ${errorFileId}, worker_id = null
      where id = ${id} and worker_id = ${workerId}::uuid and sealed_at is not null returning id`),
  );
  return rows.length > 0;
}

/** What a worker needs to run a batch's lines (the batch was claimed through the queue, not by an account). */
export async function findBatchEndpoint({ id }: { id: string }) {
  const db = await getDb();
  const [row] = await db.select({ endpoint: batches.endpoint, keyId: batches.keyId }).from(batches).where(eq(batches.id, id));
  return row ?? null;
}

/** The key a batch's lines run with: the one that created it, in the batch's own account. */
export async function findKeyOfBatch({ batchId }: { batchId: string }) {
  const db = await getDb();
  const [row] = await db
    .select({ key: apiKeys })
    .from(batches)
    .innerJoin(apiKeys, and(eq(apiKeys.id, batches.keyId), eq(apiKeys.accountId, batches.accountId)))
    .where(eq(batches.id, batchId));
  return row?.key ?? null;
}
