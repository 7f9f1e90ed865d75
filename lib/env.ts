import { z } from "zod";
import { parseDuration } from "./duration";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

/**
 * Every setting the platform reads from the environment. Parsed once; a bad
 * value stops start-up with a message naming the variable.
 */
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** A Postgres server. Without it the platform runs on embedded PGlite in LLMAAS_DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  /** Longest wait for a connection to Postgres: past it a request answers 503 instead of hanging. */
  LLMAAS_DB_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** On SIGTERM, how long requests in flight may take to finish before they are cut. */
  LLMAAS_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(25_000),
  /** Where the embedded database and generated secrets live. */
  LLMAAS_DATA_DIR: z.string().min(1).default(".data"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Signs console sessions. Generated into the data folder when unset; set it when several instances serve the console. */
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /**
   * Encrypts secrets stored in the database (backends' API keys). Generated into the data folder when unset;
   * set the same value on every instance. To rotate, move the old value to LLMAAS_SECRET_KEY_OLD.
   */
  LLMAAS_SECRET_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  /** Earlier values of LLMAAS_SECRET_KEY (comma-separated) whose secrets are still read, and sealed again with the current key at start. */
  LLMAAS_SECRET_KEY_OLD: z.string().optional(),
  /**
   * The address users reach the platform at. When set it is the source of truth for the console's own
   * origin (cross-origin checks), its redirects and whether cookies are Secure; shown in code snippets.
   */
  LLMAAS_PUBLIC_URL: z
    .string()
    .url()
    .refine((v) => /^https?:\/\//.test(v), "must be an http:// or https:// URL")
    .optional(),
  /** How long a console session lasts without being used ("12h", "30m", "7d"); each request starts the time again. */
  LLMAAS_SESSION_IDLE_TIMEOUT: z
    .string()
    .default("12h")
    .refine((v) => /^\s*[1-9]\d*\s*[mhdw]\s*$/.test(v), "must be a number followed by m, h, d or w (e.g. 12h)")
    .transform((v) => parseDuration(v, "LLMAAS_SESSION_IDLE_TIMEOUT")),
  /** Largest JSON body the gateway accepts, in bytes: room for a few base64 images by default. */
  LLMAAS_MAX_BODY_BYTES: z.coerce.number().int().positive().default(20 * 1024 * 1024),
  /** Largest uploaded audio file, in bytes. */
  LLMAAS_MAX_AUDIO_BYTES: z.coerce.number().int().positive().default(25 * 1024 * 1024),
  /** Time zone whose calendar months bound monthly budgets. */
  LLMAAS_TIMEZONE: z
    .string()
    .default("UTC")
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "must be an IANA time zone such as UTC or Europe/Paris"),
  /** Largest file uploaded through /v1/files (a batch's input), in bytes: streamed to storage, never held in memory. */
  LLMAAS_MAX_FILE_BYTES: z.coerce.number().int().positive().default(200 * 1024 * 1024),
  /** Folder of uploaded and batch-written files; every instance working batches must see the same one. */
  LLMAAS_FILES_DIR: z.string().min(1).optional(),
  /** Batch lines each instance (server or `llmaas worker`) runs at once, below live traffic; 0: this instance works no batches. */
  LLMAAS_BATCH_CONCURRENCY: z.coerce.number().int().min(0).max(1024).default(4),
  /** Beside live traffic, a server runs one batch line at a time, started at most this often (ms). */
  LLMAAS_BATCH_LIVE_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  LLMAAS_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** Lets chat requests carry http(s) image URLs; the gateway never fetches them itself, the backend does. */
  LLMAAS_ALLOW_REMOTE_IMAGES: bool.default(false),
  /** Web origins whose pages may call the API from a browser: `*`, `none`, or a comma-separated list. */
  LLMAAS_CORS_ORIGINS: z.string().default("*"),
  /** Bearer token that opens /metrics (Prometheus text) on the API port; unset: /metrics is not served there. */
  LLMAAS_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** A separate port that serves /metrics without a token (bind it where only Prometheus reaches it); unset: none. */
  LLMAAS_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Serve only the API (/v1, /v2, /api/health), without the console: for gateway-only instances. */
  LLMAAS_API_ONLY: bool.default(false),
  /**
   * GGUF files the embedded engine serves, each a model named after its file.
   * Defaults to LLMAAS_DATA_DIR/models, so a fresh install has one place to drop models into.
   */
  LLMAAS_MODELS_DIR: z.string().min(1).optional(),
  /** CPU threads per embedded-engine context: above the cores left free, llama.cpp gets far slower, not faster. */
  LLMAAS_ENGINE_THREADS: z.coerce.number().int().min(1).max(256).default(1),
  /** Requests the embedded engine generates for at once; more wait in its queue. Each one holds a context's memory. */
  LLMAAS_ENGINE_PARALLEL: z.coerce.number().int().min(1).max(64).default(2),
  /** Tokens of context per request in the embedded engine, lowered to what a model was trained for. */
  LLMAAS_ENGINE_CONTEXT: z.coerce.number().int().min(64).default(4096),
  /** Mail server for budget alerts, e.g. smtp://user:pass@mail.example.com:587 or smtps://…; unset: no e-mail. */
  LLMAAS_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  /** Sender of alert e-mails. */
  LLMAAS_MAIL_FROM: z.string().default("llmaas <alerts@localhost>"),
});

export type Env = Omit<z.infer<typeof schema>, "LLMAAS_MODELS_DIR" | "LLMAAS_FILES_DIR"> & { LLMAAS_MODELS_DIR: string; LLMAAS_FILES_DIR: string };

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty variable means "unset", as in most deployment tooling.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const data = result.data;
  const dataDir = data.LLMAAS_DATA_DIR.replace(/\/+$/, "");
  return { ...data, LLMAAS_MODELS_DIR: data.LLMAAS_MODELS_DIR ?? `${dataDir}/models`, LLMAAS_FILES_DIR: data.LLMAAS_FILES_DIR ?? `${dataDir}/files` };
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Forget the parsed environment, so tests can change process.env. */
export function resetEnv(): void {
  cached = undefined;
}
