import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { type Database, closeDatabase, migrateDatabase, openEmbedded, openPg, setDatabase } from "@/db/client";

/** The Postgres server integration tests use; its `test` database is only used to create scratch databases. */
export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(text: string) {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A brand-new, migrated Postgres database, dropped again by its close(). */
export async function openScratchPg(options: { max?: number } = {}): Promise<Database & { url: string }> {
  const name = `llmaas_t_${randomBytes(6).toString("hex")}`;
  await adminQuery(`create database ${name}`);
  const url = withDatabase(TEST_PG_URL, name);
  const database = await openPg(url, options);
  await migrateDatabase(database);
  return {
    ...database,
    url,
    close: async () => {
      await database.close();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}

export async function openScratchPglite(): Promise<Database> {
  const database = await openEmbedded("memory://");
  await migrateDatabase(database);
  return database;
}

export const DRIVERS = [
  { name: "pglite", open: openScratchPglite },
  { name: "postgres", open: openScratchPg },
] as const;

/**
 * Run a suite once per driver, with that driver's fresh database installed as
 * the process-wide one (what getDb() returns).
 */
export function describeEachDriver(title: string, fn: (driver: (typeof DRIVERS)[number]["name"]) => void) {
  for (const driver of DRIVERS) {
    describe(`${title} [${driver.name}]`, () => {
      let database: Database;
      beforeAll(async () => {
        database = await driver.open();
        setDatabase(database);
      });
      afterAll(async () => {
        await closeDatabase();
      });
      fn(driver.name);
    });
  }
}
