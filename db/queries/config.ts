import { eq } from "drizzle-orm";
import { getDb } from "../client";
import { configVersions } from "../schema";

/** Every configuration topic's version: what instances poll to learn of changes. */
export async function listConfigVersions() {
  const db = await getDb();
  return db.select({ topic: configVersions.topic, version: configVersions.version }).from(configVersions);
}

/** One topic's version (0 when it has none). */
export async function readConfigVersion(topic: string): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ version: configVersions.version }).from(configVersions).where(eq(configVersions.topic, topic));
  return Number(row?.version ?? 0);
}
