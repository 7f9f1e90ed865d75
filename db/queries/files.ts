import { and, asc, desc, eq, gt, lt, or, sql } from "drizzle-orm";
import { type Db, getDb } from "../client";
import { files } from "../schema";

export async function insertFile({ values, db: given }: { values: typeof files.$inferInsert; db?: Db }) {
  const db = given ?? (await getDb());
  const [row] = await db.insert(files).values(values).returning();
  return row!;
}

export async function findFileForAccount({ accountId, id }: { accountId: string; id: string }) {
  const db = await getDb();
  const [row] = await db.select().from(files).where(and(eq(files.accountId, accountId), eq(files.id, id)));
  return row ?? null;
}

/** An account's files, newest (or oldest) first, after the file `after` in that order. */
export async function listFilesForAccount({
  accountId,
  purpose,
  limit,
  after,
  order,
}: {
  accountId: string;
  purpose?: string;
  limit: number;
  after?: string;
  order: "asc" | "desc";
}) {
  const db = await getDb();
  let cursor = undefined;
  if (after) {
    const from = await findFileForAccount({ accountId, id: after });
    if (!from) return null;
    const beyond = order === "desc" ? lt : gt;
    cursor = or(beyond(files.createdAt, from.createdAt), and(eq(files.createdAt, from.createdAt), beyond(files.id, from.id)));
  }
  const by = order === "desc" ? desc : asc;
  return db
    .select()
    .from(files)
    .where(and(eq(files.accountId, accountId), purpose ? eq(files.purpose, purpose) : undefined, cursor))
    .orderBy(by(files.createdAt), by(files.id))
    .limit(limit);
}

export async function deleteFileForAccount({ accountId, id }: { accountId: string; id: string }) {
  const db = await getDb();
  const [row] = await db.delete(files).where(and(eq(files.accountId, accountId), eq(files.id, id))).returning();
  return row ?? null;
}

/** Whether a batch still reads this file (its input, while the batch is being validated). */
export async function isFileInUse({ accountId, id }: { accountId: string; id: string }) {
  const db = await getDb();
  const rows = await db.execute(sql`select 1 from batches where account_id = ${accountId} and input_file_id = ${id} and status = 'validating' limit 1`);
  return (rows as unknown as { rows: unknown[] }).rows.length > 0;
}
