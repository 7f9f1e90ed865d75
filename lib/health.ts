import { sql } from "drizzle-orm";
import { getDatabase } from "@/db/client";
import { env } from "./env";
import { errorFields, log } from "./log";

/** Liveness of the platform: the database answers a query. */
export async function healthReport(): Promise<{ status: number; body: Record<string, unknown> }> {
  try {
    const database = await getDatabase();
    await database.db.execute(sql`select 1`);
    return { status: 200, body: { status: "ok", database: { status: "ok", driver: database.driver } } };
  } catch (err) {
    log.error("health check: database unreachable", errorFields(err));
    return { status: 503, body: { status: "error", database: { status: "error", driver: env().DATABASE_URL ? "pg" : "pglite" } } };
  }
}
