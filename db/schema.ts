import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  date,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/*
 * Money is stored as integer nano-euros (1 € = 1e9): every reference price per
 * token, minute, character or image is a whole number in that unit, so every
 * price × quantity is exact.
 */
const nanos = (name: string) => bigint(name, { mode: "bigint" });
const created = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const roleEnum = pgEnum("role", ["admin", "member", "finance"]);
export const engineEnum = pgEnum("engine", ["openai", "ollama", "embedded"]);
export const keyKindEnum = pgEnum("key_kind", ["api", "console"]);
export const ledgerKindEnum = pgEnum("ledger_kind", ["credit", "adjustment", "usage"]);
export const priceUnitEnum = pgEnum("price_unit", [
  "input_token",
  "output_token",
  "reasoning_token",
  "rerank_token",
  "batch_input_token",
  "batch_output_token",
  "audio_minute",
  "speech_character",
  "image",
]);

export const tiers = pgTable("tiers", {
  id: serial("id").primaryKey(),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  /** Credit an account must have bought to activate the tier; null for post-paid tiers. */
  purchaseCreditNanos: nanos("purchase_credit_nanos"),
  /** Month-to-date spend cap; null means no cap. */
  monthlyLimitNanos: nanos("monthly_limit_nanos"),
  /** Output-token capacity; null means unlimited (high priority). */
  outputTokensPerHour: bigint("output_tokens_per_hour", { mode: "number" }),
  outputTokensPerDay: bigint("output_tokens_per_day", { mode: "number" }),
  requestsPerMinute: integer("requests_per_minute").notNull().default(1000),
  postpaid: boolean("postpaid").notNull().default(false),
  highPriority: boolean("high_priority").notNull().default(false),
  builtin: boolean("builtin").notNull().default(false),
  /** Raised (by a trigger) whenever one of the limits above changes: leases and reservations taken under another are refused. */
  limitsVersion: bigint("limits_version", { mode: "number" }).notNull().default(0),
  createdAt: created(),
});
export type Tier = typeof tiers.$inferSelect;

export const accounts = pgTable(
  "accounts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull().unique(),
    tierId: integer("tier_id")
      .notNull()
      .references(() => tiers.id),
    /** A lower monthly cap the account sets for itself. */
    monthlyBudgetNanos: nanos("monthly_budget_nanos"),
    /** IANA time zone of the account's days and months (dashboards, budgets); null: the platform's LLMAAS_TIMEZONE. */
    timezone: text("timezone"),
    /** Percentages of the monthly budget (or cap) whose crossing raises an alert, once per month each. */
    alertThresholds: integer("alert_thresholds").array().notNull().default(sql`'{50,80,100}'::integer[]`),
    /** Where budget alerts are POSTed as signed JSON; null: no webhook. */
    webhookUrl: text("webhook_url"),
    /** HMAC-SHA256 key of the webhook's signature header, shown to the account's admins. */
    webhookSecret: text("webhook_secret"),
    /**
     * Set while the platform's administrators have suspended the account: every
     * one of its keys is refused (403 account_suspended), none is revoked, so
     * unsuspending restores exactly the keys that were valid.
     */
    suspendedAt: timestamp("suspended_at", { withTimezone: true }),
    /** Bumped by suspension and unsuspension: what other instances drop from their key caches. */
    changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
    /** Raised (by triggers) whenever the account's tier, its own budget or one of its keys' limits changes: leases and reservations taken under another are refused. */
    limitsVersion: bigint("limits_version", { mode: "number" }).notNull().default(0),
    createdAt: created(),
  },
  (t) => [
    // The platform's account list sorts by name (the unique index) or by creation, filters by tier and state.
    index("accounts_created_idx").on(t.createdAt, t.id),
    index("accounts_tier_name_idx").on(t.tierId, t.name),
    index("accounts_suspended_name_idx").on(t.name).where(sql`suspended_at is not null`),
    index("accounts_changed_idx").on(t.changedAt),
  ],
);
export type Account = typeof accounts.$inferSelect;

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull().default(""),
    passwordHash: text("password_hash").notNull(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    role: roleEnum("role").notNull().default("member"),
    superadmin: boolean("superadmin").notNull().default(false),
    /** A disabled user cannot sign in, is signed out at once, and their keys are revoked. */
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /**
     * Stamped into every console session at sign-in and compared on each request: raising it ends
     * all of the user's sessions. Sign-out raises it; so does a trigger (migration
     * 0010_session_version) whenever the password, role, superadmin flag, account, email or
     * disabled state changes, whichever code changes them.
     */
    sessionVersion: integer("session_version").notNull().default(0),
    /**
     * Set when an administrator chose the password (a new user, a reset): once
     * signed in, the user can do nothing but choose their own.
     */
    mustChangePassword: boolean("must_change_password").notNull().default(false),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex("users_email_idx").on(sql`lower(${t.email})`),
    index("users_account_idx").on(t.accountId),
    // An account's members, a page at a time in e-mail order.
    index("users_account_email_idx").on(t.accountId, sql`lower(${t.email})`, t.id),
  ],
);
export type User = typeof users.$inferSelect;

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    kind: keyKindEnum("kind").notNull().default("api"),
    /** The first characters of the secret, shown in lists so a person can tell keys apart. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the secret, hex. The secret itself is never stored. */
    hash: text("hash").notNull().unique(),
    /** Null: every model the account may use. */
    allowedModels: text("allowed_models").array(),
    monthlyBudgetNanos: nanos("monthly_budget_nanos"),
    outputTokensPerHour: bigint("output_tokens_per_hour", { mode: "number" }),
    outputTokensPerDay: bigint("output_tokens_per_day", { mode: "number" }),
    createdAt: created(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    /**
     * A rotation keeps the key (id, limits, history) and gives it a new
     * secret; the secret it replaced stays valid until previous_expires_at.
     * Checked at authentication, so no job has to end the grace period.
     */
    previousHash: text("previous_hash").unique(),
    previousPrefix: text("previous_prefix"),
    previousExpiresAt: timestamp("previous_expires_at", { withTimezone: true }),
    rotatedAt: timestamp("rotated_at", { withTimezone: true }),
    /** Bumped by every revocation, rotation and limits change: what other instances drop from their caches. */
    changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("api_keys_account_idx").on(t.accountId, t.createdAt),
    index("api_keys_user_idx").on(t.userId),
    index("api_keys_changed_idx").on(t.changedAt),
  ],
);
export type ApiKey = typeof apiKeys.$inferSelect;

export const backends = pgTable("backends", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  engine: engineEnum("engine").notNull(),
  /** Root of the engine's API, e.g. http://gpu1:8000/v1 for vLLM or http://gpu2:11434 for Ollama. */
  baseUrl: text("base_url").notNull(),
  /** Key the gateway sends upstream; never shown to API clients. */
  apiKey: text("api_key"),
  machineName: text("machine_name").notNull(),
  enabled: boolean("enabled").notNull().default(true),
  timeoutMs: integer("timeout_ms").notNull().default(600_000),
  createdAt: created(),
});
export type Backend = typeof backends.$inferSelect;

export const models = pgTable("models", {
  id: text("id").primaryKey(),
  aliases: text("aliases").array().notNull().default(sql`'{}'::text[]`),
  capabilities: text("capabilities").array().notNull().default(sql`'{chat}'::text[]`),
  maxModelLen: integer("max_model_len").notNull().default(8192),
  ownedBy: text("owned_by").notNull().default("llmaas"),
  description: text("description").notNull().default(""),
  enabled: boolean("enabled").notNull().default(true),
  createdAt: created(),
});
export type Model = typeof models.$inferSelect;

export const modelBackends = pgTable(
  "model_backends",
  {
    modelId: text("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade", onUpdate: "cascade" }),
    backendId: uuid("backend_id")
      .notNull()
      .references(() => backends.id, { onDelete: "cascade" }),
    /** The name the engine knows the model by, when it differs from the public id. */
    upstreamId: text("upstream_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.backendId] })],
);
export type ModelBackend = typeof modelBackends.$inferSelect;

/**
 * Prices per unit in nano-euros. A row with no model is the platform default;
 * a model's own row overrides it. Rows are never updated: a price change is a
 * new row with a later effective_from, so past usage keeps the price it had.
 */
export const prices = pgTable(
  "prices",
  {
    id: serial("id").primaryKey(),
    modelId: text("model_id").references(() => models.id, { onDelete: "cascade", onUpdate: "cascade" }),
    unit: priceUnitEnum("unit").notNull(),
    nanosPerUnit: nanos("nanos_per_unit").notNull(),
    effectiveFrom: timestamp("effective_from", { withTimezone: true }).notNull().defaultNow(),
    createdAt: created(),
  },
  (t) => [index("prices_lookup_idx").on(t.unit, t.modelId, t.effectiveFrom)],
);
export type Price = typeof prices.$inferSelect;

/**
 * One row per gateway request, success or failure. Partitioned by month on
 * created_at (see the migration), so its primary key includes created_at.
 */
export const usageEvents = pgTable(
  "usage_events",
  {
    id: uuid("id").notNull().defaultRandom(),
    requestId: text("request_id").notNull(),
    accountId: uuid("account_id"),
    userId: uuid("user_id"),
    keyId: uuid("key_id"),
    endpoint: text("endpoint").notNull(),
    modelId: text("model_id"),
    backendId: uuid("backend_id"),
    status: integer("status").notNull(),
    errorCode: text("error_code"),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    reasoningTokens: integer("reasoning_tokens").notNull().default(0),
    /** Other units: search units, audio seconds, characters, images. */
    units: jsonb("units").$type<Record<string, number>>().notNull().default({}),
    costNanos: nanos("cost_nanos").notNull().default(sql`0`),
    latencyMs: integer("latency_ms").notNull().default(0),
    ttftMs: integer("ttft_ms"),
    streamed: boolean("streamed").notNull().default(false),
    clientAborted: boolean("client_aborted").notNull().default(false),
    /** True when the backend gave no usage and the gateway counted the tokens itself. */
    estimated: boolean("estimated").notNull().default(false),
    /** The batch this request was a line of; null for live requests. Batch lines are billed at batch prices. */
    batchId: text("batch_id"),
    createdAt: created(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.createdAt] }),
    index("usage_events_account_time_idx").on(t.accountId, t.createdAt),
    index("usage_events_request_idx").on(t.requestId),
  ],
);
export type UsageEvent = typeof usageEvents.$inferSelect;

/**
 * Append-only money ledger: credits are positive, usage debits negative.
 * Corrections are new rows, never updates.
 */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    kind: ledgerKindEnum("kind").notNull(),
    amountNanos: nanos("amount_nanos").notNull(),
    usageEventId: uuid("usage_event_id"),
    keyId: uuid("key_id"),
    modelId: text("model_id"),
    /** Unit counts and unit prices at the time, for usage rows. */
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    note: text("note").notNull().default(""),
    createdBy: uuid("created_by"),
    createdAt: created(),
  },
  (t) => [index("ledger_account_time_idx").on(t.accountId, t.createdAt)],
);
export type LedgerEntry = typeof ledgerEntries.$inferSelect;

/** Platform settings an admin may change at run time. */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A version per kind of platform configuration, raised by triggers on every
 * change to its tables, whoever makes it (console, CLI or plain SQL):
 * "tiers", "accounts", "catalogue" (models, backends and their links) and
 * "prices". Every instance polls this small table and re-reads only what
 * changed, so an edit reaches all of them within a second.
 */
export const configVersions = pgTable("config_versions", {
  topic: text("topic").primaryKey(),
  version: bigint("version", { mode: "number" }).notNull().default(0),
  changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Running prepaid balance of an account, kept in step with the ledger in the same transaction. */
export const accountBalances = pgTable("account_balances", {
  accountId: uuid("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  /** Credits minus settled usage; negative for post-paid accounts (what they owe). */
  balanceNanos: nanos("balance_nanos").notNull().default(sql`0`),
  /** Worst-case cost of requests in flight. */
  reservedNanos: nanos("reserved_nanos").notNull().default(sql`0`),
  /** All top-ups ever bought: what activates a prepaid tier. */
  purchasedNanos: nanos("purchased_nanos").notNull().default(sql`0`),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Counters of fixed windows for an account or a key: requests per minute,
 * output tokens per hour and per day, spend per month. `reserved` holds the
 * worst case of requests in flight, `used` what settled requests consumed.
 */
export const limitCounters = pgTable(
  "limit_counters",
  {
    scopeId: uuid("scope_id").notNull(),
    metric: text("metric").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    used: nanos("used").notNull().default(sql`0`),
    reserved: nanos("reserved").notNull().default(sql`0`),
  },
  (t) => [primaryKey({ columns: [t.scopeId, t.metric, t.windowStart] })],
);

/** Instances of the gateway alive now; a silent one's reservations are reclaimed. */
export const gatewayInstances = pgTable("gateway_instances", {
  id: uuid("id").primaryKey(),
  hostname: text("hostname").notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }).notNull().defaultNow(),
  /** The last version of the 'limits' topic this instance has applied (its leases taken under older limits closed). */
  limitsSeen: bigint("limits_seen", { mode: "number" }).notNull().default(0),
});

/**
 * A slice of one limit held by one instance, which admits requests against it
 * in memory: its amount is part of the counter's `reserved` (or, for the
 * prepaid balance, metric "balance", of the balance's `reserved_nanos`) until
 * it is used or given back. A lease counts in one bucket of a sliding window
 * (or in the month; the balance's is dated 1970-01-01). `draining`: given
 * back, still holding only requests in flight, no longer drawn from.
 */
export const limitLeases = pgTable(
  "limit_leases",
  {
    id: uuid("id").primaryKey(),
    instanceId: uuid("instance_id").notNull(),
    accountId: uuid("account_id").notNull(),
    scopeId: uuid("scope_id").notNull(),
    metric: text("metric").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    amount: bigint("amount", { mode: "bigint" }).notNull().default(sql`0`),
    /** Everything granted to the lease so far (only ever raised): an instance compares it with the grants it has applied. */
    granted: bigint("granted", { mode: "bigint" }).notNull().default(sql`0`),
    draining: boolean("draining").notNull().default(false),
    createdAt: created(),
  },
  (t) => [index("limit_leases_instance_idx").on(t.instanceId), index("limit_leases_counter_idx").on(t.scopeId, t.metric, t.windowStart)],
);

/** What a request in flight holds from the limits, until it settles. */
export const reservations = pgTable(
  "reservations",
  {
    id: uuid("id").primaryKey(),
    requestId: text("request_id").notNull(),
    accountId: uuid("account_id").notNull(),
    keyId: uuid("key_id").notNull(),
    userId: uuid("user_id"),
    instanceId: uuid("instance_id").notNull(),
    modelId: text("model_id").notNull(),
    endpoint: text("endpoint").notNull(),
    /** Counter holds and the balance hold, to give back exactly. */
    holds: jsonb("holds").$type<{ counters: { scopeId: string; metric: string; windowStart: string; amount: string }[]; balanceNanos: string }>().notNull(),
    /** Unit prices at the request's start, in nano-euros. */
    prices: jsonb("prices").$type<Record<string, string>>().notNull(),
    /** Set for a line of a batch: if its instance is lost, the line runs again elsewhere, so this hold is given back unbilled. */
    batchId: text("batch_id"),
    /** Tokens generated so far, checkpointed while a stream runs. */
    progress: jsonb("progress").$type<{ promptTokens: number; completionTokens: number }>().notNull().default({ promptTokens: 0, completionTokens: 0 }),
    createdAt: created(),
  },
  (t) => [index("reservations_instance_idx").on(t.instanceId)],
);

/** Upper bounds (ms) of the latency histogram buckets of usage_hourly; a last bucket counts everything above. */
export const LATENCY_BUCKETS_MS = [50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10000, 15000, 20000, 30000, 60000, 120000, 300000] as const;

/** What the usage rollups (hourly and daily) count. */
const rollupFigures = () => ({
  requests: bigint("requests", { mode: "number" }).notNull().default(0),
  errors: bigint("errors", { mode: "number" }).notNull().default(0),
  promptTokens: bigint("prompt_tokens", { mode: "number" }).notNull().default(0),
  completionTokens: bigint("completion_tokens", { mode: "number" }).notNull().default(0),
  reasoningTokens: bigint("reasoning_tokens", { mode: "number" }).notNull().default(0),
  searchUnits: bigint("search_units", { mode: "number" }).notNull().default(0),
  audioSeconds: bigint("audio_seconds", { mode: "number" }).notNull().default(0),
  characters: bigint("characters", { mode: "number" }).notNull().default(0),
  images: bigint("images", { mode: "number" }).notNull().default(0),
  costNanos: nanos("cost_nanos").notNull().default(sql`0`),
  /** Requests per LATENCY_BUCKETS_MS bucket (plus one above the last bound), for percentiles. */
  latencyHist: bigint("latency_hist", { mode: "number" }).array().notNull(),
  /** The same for time to first token, of the requests that had one. */
  ttftHist: bigint("ttft_hist", { mode: "number" }).array().notNull(),
});

/**
 * Hourly totals per account, key and model, written in the same transaction
 * as the usage events they count: what the usage dashboard and statements
 * read, so that no page scans raw events. Hours are UTC; a day in any time
 * zone with a whole-hour offset is a sum of whole hours.
 */
export const usageHourly = pgTable(
  "usage_hourly",
  {
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    accountId: uuid("account_id").notNull(),
    keyId: uuid("key_id").notNull(),
    modelId: text("model_id").notNull(),
    /** Requests of the async batch API, billed at batch prices. */
    batch: boolean("batch").notNull().default(false),
    ...rollupFigures(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.hour, t.keyId, t.modelId, t.batch] }),
  ],
);
export type UsageHour = typeof usageHourly.$inferSelect;

/**
 * The same totals per local day of the account's time zone: what reports of
 * more than a week read (24 times fewer rows than hours). Cut in the zone
 * recorded in usage_daily_zones; when the account's zone differs (it changed,
 * or the platform's default did), the account's days are rebuilt from the
 * hourly rollups before they are read.
 */
export const usageDaily = pgTable(
  "usage_daily",
  {
    day: date("day").notNull(),
    accountId: uuid("account_id").notNull(),
    keyId: uuid("key_id").notNull(),
    modelId: text("model_id").notNull(),
    batch: boolean("batch").notNull().default(false),
    ...rollupFigures(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.day, t.keyId, t.modelId, t.batch] })],
);

/** The time zone each account's daily rollups are cut in; no row: not built yet (nothing is added to them). */
export const usageDailyZones = pgTable("usage_daily_zones", {
  accountId: uuid("account_id").primaryKey(),
  zone: text("zone").notNull(),
  builtAt: timestamp("built_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A budget alert: month-to-date spend crossed one of the account's
 * thresholds. Unique per account, month and threshold, so it fires once
 * whichever instance notices first. Also the webhook's outbox.
 */
export const budgetAlerts = pgTable(
  "budget_alerts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    /** Calendar month in the account's time zone, "2026-11". */
    month: text("month").notNull(),
    thresholdPercent: integer("threshold_percent").notNull(),
    spendNanos: nanos("spend_nanos").notNull(),
    budgetNanos: nanos("budget_nanos").notNull(),
    createdAt: created(),
    /** Webhook delivery: null until delivered (or not wanted). */
    webhookDeliveredAt: timestamp("webhook_delivered_at", { withTimezone: true }),
    webhookAttempts: integer("webhook_attempts").notNull().default(0),
    webhookNextAt: timestamp("webhook_next_at", { withTimezone: true }),
    webhookLastError: text("webhook_last_error"),
    emailSentAt: timestamp("email_sent_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("budget_alerts_once_idx").on(t.accountId, t.month, t.thresholdPercent),
    index("budget_alerts_webhook_due_idx").on(t.webhookNextAt),
  ],
);
export type BudgetAlert = typeof budgetAlerts.$inferSelect;

/**
 * A playground conversation, kept for the user who had it. Its messages and
 * settings are one JSON document each: the console saves a conversation
 * whole after every exchange, and nothing queries inside it.
 */
export const conversations = pgTable(
  "conversations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    title: text("title").notNull().default("New conversation"),
    model: text("model").notNull(),
    /** System prompt, sampling parameters and tool definitions. */
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    /** Messages in the reference's shape, each with the figures the console measured. */
    messages: jsonb("messages").$type<Record<string, unknown>[]>().notNull().default([]),
    createdAt: created(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("conversations_user_updated_idx").on(t.userId, t.updatedAt)],
);
export type Conversation = typeof conversations.$inferSelect;

/**
 * Every administrative action, from the console and from the CLI: who, what,
 * when, on which object, and the object before and after. Append-only: the
 * database refuses updates and deletes (see the migration). Secrets and
 * passwords are never recorded; keys appear by id and prefix.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actorUserId: uuid("actor_user_id"),
    /** The person's e-mail, or "cli:<operating-system user>", or "system". */
    actor: text("actor").notNull(),
    /** The account the object belongs to, when it belongs to one. */
    accountId: uuid("account_id"),
    action: text("action").notNull(),
    objectType: text("object_type").notNull(),
    objectId: text("object_id").notNull(),
    before: jsonb("before").$type<Record<string, unknown> | null>(),
    after: jsonb("after").$type<Record<string, unknown> | null>(),
  },
  (t) => [index("audit_log_at_idx").on(t.at, t.id), index("audit_log_account_at_idx").on(t.accountId, t.at)],
);
export type AuditEntry = typeof auditLog.$inferSelect;

/**
 * Files uploaded through /v1/files or written by batches (purpose
 * "batch_output"). The bytes live in the file storage under `storage_key`;
 * this row is what the API lists and what tenancy checks read.
 */
export const files = pgTable(
  "files",
  {
    id: text("id").primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    purpose: text("purpose").notNull(),
    filename: text("filename").notNull(),
    bytes: bigint("bytes", { mode: "number" }).notNull(),
    storageKey: text("storage_key").notNull(),
    createdAt: created(),
  },
  (t) => [index("files_account_created_idx").on(t.accountId, t.createdAt)],
);
export type StoredFile = typeof files.$inferSelect;

/**
 * A batch of requests run in the background at batch prices. `workerId` is
 * the instance (gateway_instances) validating or finalizing it; a batch
 * whose worker stops beating is taken over. `sealedAt` closes it to new
 * answers: from then on its lines are fixed and its files can be written.
 */
export const batches = pgTable(
  "batches",
  {
    id: text("id").primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    /** The key that created the batch: its lines run with it (models allowed, budget). */
    keyId: uuid("key_id").notNull(),
    endpoint: text("endpoint").notNull(),
    inputFileId: text("input_file_id").notNull(),
    completionWindow: text("completion_window").notNull(),
    status: text("status").notNull().default("validating"),
    /** What a sealed batch ends as: completed, expired or cancelled. */
    outcome: text("outcome"),
    outputFileId: text("output_file_id"),
    errorFileId: text("error_file_id"),
    errors: jsonb("errors").$type<{ code: string; message: string; param: string | null; line: number | null }[]>(),
    metadata: jsonb("metadata").$type<Record<string, string>>(),
    workerId: uuid("worker_id"),
    createdAt: created(),
    inProgressAt: timestamp("in_progress_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    sealedAt: timestamp("sealed_at", { withTimezone: true }),
    finalizingAt: timestamp("finalizing_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    failedAt: timestamp("failed_at", { withTimezone: true }),
    expiredAt: timestamp("expired_at", { withTimezone: true }),
    cancellingAt: timestamp("cancelling_at", { withTimezone: true }),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
  },
  (t) => [index("batches_account_created_idx").on(t.accountId, t.createdAt), index("batches_status_idx").on(t.status)],
);
export type Batch = typeof batches.$inferSelect;

/**
 * One request of a batch: the durable queue. pending → running (claimed by
 * `workerId`, attempt `attempts`) → done; invalid lines are done at once with
 * their error. A line's answer, its usage event and its ledger debit are
 * written in one transaction, and only by the attempt that holds it, so a
 * line is answered and billed exactly once whatever process dies.
 */
export const batchLines = pgTable(
  "batch_lines",
  {
    batchId: text("batch_id")
      .notNull()
      .references(() => batches.id, { onDelete: "cascade" }),
    lineNo: integer("line_no").notNull(),
    customId: text("custom_id"),
    state: text("state").notNull().default("pending"),
    /** The request body, as uploaded; null for an invalid line. */
    body: text("body"),
    workerId: uuid("worker_id"),
    attempts: integer("attempts").notNull().default(0),
    requestId: text("request_id"),
    /** HTTP status of the answer; null when the line never ran (invalid, expired, cancelled). */
    statusCode: integer("status_code"),
    /** The answer's body (success or error envelope). */
    response: jsonb("response").$type<Record<string, unknown>>(),
    /** Why the line has no answer: invalid, expired or cancelled. */
    error: jsonb("error").$type<{ code: string; message: string }>(),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    reasoningTokens: integer("reasoning_tokens").notNull().default(0),
    costNanos: nanos("cost_nanos").notNull().default(sql`0`),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.batchId, t.lineNo] }),
    index("batch_lines_todo_idx").on(t.batchId, t.lineNo).where(sql`state in ('pending', 'running')`),
  ],
);
export type BatchLineRow = typeof batchLines.$inferSelect;
