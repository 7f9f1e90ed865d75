import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { env } from "@/lib/env";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  driver: "pg" | "pglite";
  /** Where the data lives, for messages: a URL without password, or a folder. */
  location: string;
  close(): Promise<void>;
}

export const migrationsFolder = () => path.join(process.cwd(), "drizzle");

/**
 * The embedded database answers other local processes (the CLI while the
 * server runs) on a Unix socket in its data folder, named the way libpq and
 * node-postgres look for one, so `host=<folder> port=5432` reaches it.
 */
export const embeddedSocketPath = (dataDir: string) => path.join(path.resolve(dataDir), ".s.PGSQL.5432");

export async function openPg(url: string, options: { max?: number; connectTimeoutMs?: number } = {}): Promise<Database> {
  const { Pool } = (await import("pg")).default;
  const { drizzle } = await import("drizzle-orm/node-postgres");
  // A server that is down or restarting fails requests after this wait instead of holding them.
  const pool = new Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: options.connectTimeoutMs ?? env().LLMAAS_DB_TIMEOUT_MS });
  // A client losing its server (Postgres restarted) must not crash the process: idle ones are
  // the pool's to replace, and one in use fails its query, which the caller answers with a 503.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = drizzle(pool, { schema }) as unknown as Db;
  const safe = url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
  return { db, driver: "pg", location: safe, close: () => pool.end() };
}

/**
 * Open the embedded database in `dataDir` (or in memory for "memory://").
 * When another process of this platform already has it open, connect to that
 * process's socket instead: PGlite allows one process per folder.
 */
export async function openEmbedded(
  dataDir: string,
  options: { serveSocket?: boolean } = {},
): Promise<Database> {
  const inMemory = dataDir === "memory://";
  if (!inMemory) {
    const socketPath = embeddedSocketPath(dataDir);
    if (fs.existsSync(socketPath)) {
      const { Pool } = (await import("pg")).default;
      const { drizzle } = await import("drizzle-orm/node-postgres");
      const pool = new Pool({ host: path.dirname(socketPath), port: 5432, user: "postgres", database: "postgres", max: 1 });
      pool.on("error", () => {});
      try {
        await pool.query("select 1");
        return {
          db: drizzle(pool, { schema }) as unknown as Db,
          driver: "pg",
          location: `${path.resolve(dataDir)} (through the running server)`,
          close: () => pool.end(),
        };
      } catch {
        // A socket left by a server that is gone: open the folder ourselves.
        await pool.end().catch(() => {});
      }
    }
    fs.mkdirSync(dataDir, { recursive: true });
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const client = await PGlite.create(inMemory ? undefined : path.join(dataDir, "pglite"));
  const db = drizzle(client, { schema }) as unknown as Db;
  let stopSocket: (() => Promise<void>) | undefined;
  if (options.serveSocket && !inMemory) {
    const socketPath = embeddedSocketPath(dataDir);
    fs.rmSync(socketPath, { force: true });
    const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
    // A few local tools (the CLI, scripts) may connect while the server runs.
    const server = new PGLiteSocketServer({ db: client, path: socketPath, maxConnections: 8 });
    await server.start();
    stopSocket = () => server.stop();
  }
  return {
    db,
    driver: "pglite",
    location: inMemory ? "memory" : path.resolve(dataDir),
    close: async () => {
      await stopSocket?.();
      await client.close();
    },
  };
}

/** Apply pending migrations; instances sharing a server take turns under an advisory lock. */
export async function migrateDatabase(database: Database): Promise<void> {
  const folder = migrationsFolder();
  if (database.driver === "pglite") {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await migrate(database.db as any, { migrationsFolder: folder });
  } else {
    const { migrate } = await import("drizzle-orm/node-postgres/migrator");
    await database.db.execute(sql`select pg_advisory_lock(727274)`);
    try {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await migrate(database.db as any, { migrationsFolder: folder });
    } finally {
      await database.db.execute(sql`select pg_advisory_unlock(727274)`);
    }
  }
  await ensureUsagePartitions(database.db);
}

/** Create this month's and next month's usage partitions (idempotent). */
export async function ensureUsagePartitions(db: Db, now = new Date()): Promise<void> {
  const thisMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  for (const m of [thisMonth, nextMonth]) {
    await db.execute(sql`select llmaas_ensure_usage_partition(${m.toISOString().slice(0, 10)}::date)`);
  }
}

/** Open the database the environment names, migrated and ready. */
export async function openConfiguredDatabase(options: { serveSocket?: boolean } = {}): Promise<Database> {
  const e = env();
  const database = e.DATABASE_URL ? await openPg(e.DATABASE_URL) : await openEmbedded(e.LLMAAS_DATA_DIR, options);
  await migrateDatabase(database);
  return database;
}

/*
 * The process-wide database lives on globalThis: the custom server and the
 * Next.js bundles load this module separately but must share one connection
 * pool (and, for PGlite, the only handle the folder allows).
 */
const holder = globalThis as unknown as { __llmaasDb?: Promise<Database> };

export function setDatabase(database: Database | Promise<Database>): void {
  holder.__llmaasDb = Promise.resolve(database);
}

export function getDatabase(): Promise<Database> {
  if (!holder.__llmaasDb) {
    const opening = openConfiguredDatabase({ serveSocket: true });
    holder.__llmaasDb = opening;
    // A failed open is not remembered: the next caller tries again.
    opening.catch(() => {
      if (holder.__llmaasDb === opening) holder.__llmaasDb = undefined;
    });
  }
  return holder.__llmaasDb;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

export async function closeDatabase(): Promise<void> {
  const current = holder.__llmaasDb;
  holder.__llmaasDb = undefined;
  if (current) await (await current).close();
}
