import { getDb } from "../client";
import { configVersions } from "../schema";

/** Every configuration topic's version: what instances poll to learn of changes. */
export async function listConfigVersions() {
  const db = await getDb();
  return db.select({ topic: configVersions.topic, version: configVersions.version }).from(configVersions);
}
