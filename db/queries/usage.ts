import { and, eq, sql } from "drizzle-orm";
import { isoOf } from "@/lib/iso";
import { type Db, getDb } from "../client";
import { LATENCY_BUCKETS_MS, usageEvents, usageHourly } from "../schema";
import { rowsOf } from "./rows";
import { addToRollups } from "./usage-daily";

export type NewUsageEvent = typeof usageEvents.$inferInsert & { batch?: boolean };

const HOUR_MS = 3_600_000;
const BUCKETS = LATENCY_BUCKETS_MS.length + 1;

/** Index of the histogram bucket a duration falls in: how many bounds are at or below it (as SQL's width_bucket). */
export function latencyBucket(ms: number): number {
  let i = 0;
  while (i < LATENCY_BUCKETS_MS.length && LATENCY_BUCKETS_MS[i]! <= ms) i++;
  return i;
}

const emptyHist = () => new Array<number>(BUCKETS).fill(0);

/** Hourly totals of a batch of events, per account, key, model and kind (live or batch). */
export function hourlyTotals(events: NewUsageEvent[]) {
  const totals = new Map<string, typeof usageHourly.$inferInsert & { latencyHist: number[]; ttftHist: number[] }>();
  for (const e of events) {
    if (!e.accountId || !e.keyId) continue;
    const at = (e.createdAt ?? new Date()).getTime();
    const hour = new Date(at - (at % HOUR_MS));
    const modelId = e.modelId ?? "";
    const batch = e.batch ?? Boolean(e.batchId);
    const k = `${hour.getTime()}|${e.accountId}|${e.keyId}|${modelId}|${batch}`;
    let t = totals.get(k);
    if (!t) {
      t = {
        hour, accountId: e.accountId, keyId: e.keyId, modelId, batch, requests: 0, errors: 0, promptTokens: 0, completionTokens: 0,
        reasoningTokens: 0, searchUnits: 0, audioSeconds: 0, characters: 0, images: 0, costNanos: 0n, latencyHist: emptyHist(), ttftHist: emptyHist(),
      };
      totals.set(k, t);
    }
    const u = e.units ?? {};
    t.requests! += 1;
    t.errors! += e.status >= 400 ? 1 : 0;
    t.promptTokens! += e.promptTokens ?? 0;
    t.completionTokens! += e.completionTokens ?? 0;
    t.reasoningTokens! += e.reasoningTokens ?? 0;
    t.searchUnits! += Math.round(u.search_units ?? 0);
    t.audioSeconds! += Math.ceil(u.audio_seconds ?? 0);
    t.characters! += Math.round(u.characters ?? 0);
    t.images! += Math.round(u.images ?? 0);
    t.costNanos = (t.costNanos as bigint) + (e.costNanos ?? 0n);
    t.latencyHist[latencyBucket(e.latencyMs ?? 0)]! += 1;
    if (e.ttftMs !== null && e.ttftMs !== undefined) t.ttftHist[latencyBucket(e.ttftMs)]! += 1;
  }
  return [...totals.values()];
}

const ROW = Symbol("row");

/**
 * An event as one row of the batch's JSON (bigints as strings, dates as ISO strings), serialized once: the
 * journal line of an answered request carries this text, and the insert of its batch reuses it. An event is
 * not changed once recorded.
 */
export function eventRowJson(e: NewUsageEvent): string {
  const memo = e as NewUsageEvent & { [ROW]?: string };
  let json = memo[ROW];
  if (json === undefined) {
    json = JSON.stringify(eventRow(e));
    // Not enumerable: a copy of the event (spread, then changed) does not take it along.
    Object.defineProperty(memo, ROW, { value: json });
  }
  return json;
}

/**
 * An event from its row (eventRowJson parsed back): what a journal line's row becomes on replay. Nullable
 * columns come back null (as the gateway records an absent value); the others, absent, as unset.
 */
export function eventFromRow(r: EventRow): NewUsageEvent {
  const v = <T>(x: T | null): T | undefined => (x === null ? undefined : x);
  return {
    id: v(r.id),
    requestId: r.request_id,
    accountId: r.account_id,
    userId: r.user_id,
    keyId: r.key_id,
    endpoint: r.endpoint,
    modelId: r.model_id,
    backendId: r.backend_id,
    status: r.status,
    errorCode: r.error_code,
    promptTokens: v(r.prompt_tokens),
    completionTokens: v(r.completion_tokens),
    reasoningTokens: v(r.reasoning_tokens),
    units: v(r.units),
    costNanos: r.cost_nanos === null ? undefined : BigInt(r.cost_nanos),
    latencyMs: v(r.latency_ms),
    ttftMs: r.ttft_ms,
    streamed: v(r.streamed),
    clientAborted: v(r.client_aborted),
    estimated: v(r.estimated),
    batchId: r.batch_id,
    createdAt: r.created_at === null ? undefined : new Date(r.created_at),
  };
}

export type EventRow = ReturnType<typeof eventRow>;

function eventRow(e: NewUsageEvent) {
  return {
    id: e.id ?? null,
    request_id: e.requestId,
    account_id: e.accountId ?? null,
    user_id: e.userId ?? null,
    key_id: e.keyId ?? null,
    endpoint: e.endpoint,
    model_id: e.modelId ?? null,
    backend_id: e.backendId ?? null,
    status: e.status,
    error_code: e.errorCode ?? null,
    prompt_tokens: e.promptTokens ?? null,
    completion_tokens: e.completionTokens ?? null,
    reasoning_tokens: e.reasoningTokens ?? null,
    units: e.units ?? null,
    cost_nanos: e.costNanos === undefined ? null : e.costNanos.toString(),
    latency_ms: e.latencyMs ?? null,
    ttft_ms: e.ttftMs ?? null,
    streamed: e.streamed ?? null,
    client_aborted: e.clientAborted ?? null,
    estimated: e.estimated ?? null,
    batch_id: e.batchId ?? null,
    created_at: e.createdAt ? isoOf(e.createdAt) : null,
  };
}

/**
 * Store usage events and add them to the hourly and daily rollups, in one transaction (or in `db`, a transaction of
 * the caller's). `fresh`: events known not to be written yet (their settlement was written in this transaction, which
 * finds out), not looked up again.
 */
export async function insertUsageEvents({ events, db: given, fresh }: { events: NewUsageEvent[]; db?: Db; fresh?: ReadonlySet<NewUsageEvent> }) {
  if (events.length === 0) return;
  const db = given ?? (await getDb());
  await db.transaction(async (tx) => {
    // An event the sweeper already rebuilt from the ledger (this batch was held up by an outage) is not written twice.
    // It has the same id and time (an event is dated like its ledger debit): one probe of the primary key each, in the
    // month's partition (a plain `id = any(…)` could scan the whole month). An event without a time is a new one.
    const dated = events.filter((e) => e.id && e.createdAt && !fresh?.has(e));
    const known = dated.length
      ? new Set(
          rowsOf(
            await tx.execute(sql`select x.id::text from unnest(${`{${dated.map((e) => e.id).join(",")}}`}::uuid[], ${`{${dated.map((e) => e.createdAt!.toISOString()).join(",")}}`}::timestamptz[]) as x(id, at)
              cross join lateral (select 1 from usage_events u where u.id = x.id and u.created_at = x.at limit 1) k`),
          ).map((r) => String(r.id)),
        )
      : new Set<string>();
    events = events.filter((e) => !e.id || !known.has(e.id));
    if (events.length === 0) return;
    const totals = hourlyTotals(events);
    // One parameter for the whole batch: building a statement with a parameter per column of every row cost more than the insert.
    await tx.execute(sql`insert into usage_events (id, request_id, account_id, user_id, key_id, endpoint, model_id, backend_id, status, error_code,
        prompt_tokens, completion_tokens, reasoning_tokens, units, cost_nanos, latency_ms, ttft_ms, streamed, client_aborted, estimated, batch_id, created_at)
      select coalesce(x.id, gen_random_uuid()), x.request_id, x.account_id, x.user_id, x.key_id, x.endpoint, x.model_id, x.backend_id, x.status, x.error_code,
        coalesce(x.prompt_tokens, 0), coalesce(x.completion_tokens, 0), coalesce(x.reasoning_tokens, 0), coalesce(x.units, '{}'::jsonb),
        coalesce(x.cost_nanos, 0), coalesce(x.latency_ms, 0), x.ttft_ms, coalesce(x.streamed, false), coalesce(x.client_aborted, false),
        coalesce(x.estimated, false), x.batch_id, coalesce(x.created_at, now())
      from jsonb_to_recordset(${`[${events.map(eventRowJson).join(",")}]`}::jsonb) as x(id uuid, request_id text, account_id uuid, user_id uuid, key_id uuid,
        endpoint text, model_id text, backend_id uuid, status integer, error_code text, prompt_tokens integer, completion_tokens integer,
        reasoning_tokens integer, units jsonb, cost_nanos bigint, latency_ms integer, ttft_ms integer, streamed boolean, client_aborted boolean,
        estimated boolean, batch_id text, created_at timestamptz)`);
    await addToRollups(tx, totals);
  });
}

/** The usage event of one request, if it belongs to this account. */
export async function findUsageByRequestId({ accountId, requestId }: { accountId: string; requestId: string }) {
  const db = await getDb();
  return db
    .select()
    .from(usageEvents)
    .where(and(eq(usageEvents.accountId, accountId), eq(usageEvents.requestId, requestId)));
}

/** The usage events of a request id on any account: for platform operators' tools and tests. */
export async function findUsageByRequestIdForPlatform({ requestId }: { requestId: string }) {
  const db = await getDb();
  return db.select().from(usageEvents).where(eq(usageEvents.requestId, requestId));
}
