import { and, desc, eq, sql } from "drizzle-orm";
import { getDb } from "../client";
import { conversations } from "../schema";

/** A user's conversations, newest first, without their messages. */
export async function listConversationsForUser({ userId, limit = 50 }: { userId: string; limit?: number }) {
  const db = await getDb();
  return db
    .select({ id: conversations.id, title: conversations.title, model: conversations.model, updatedAt: conversations.updatedAt })
    .from(conversations)
    .where(eq(conversations.userId, userId))
    .orderBy(desc(conversations.updatedAt))
    .limit(limit);
}

export async function findConversationForUser({ id, userId }: { id: string; userId: string }) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.userId, userId)));
  return row;
}

type Content = Pick<typeof conversations.$inferInsert, "title" | "model" | "settings" | "messages">;

/**
 * Postgres text and jsonb cannot hold U+0000, which a model may well generate: it is stored as U+FFFD (the
 * replacement character) so the conversation is saved all the same.
 */
function storable<T>(value: T): T {
  if (typeof value === "string") return (value.includes("\u0000") ? value.replaceAll("\u0000", "\ufffd") : value) as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, storable(v)])) as T;
  }
  return value;
}

export async function insertConversation({ userId, accountId, values }: { userId: string; accountId: string; values: Content }) {
  const db = await getDb();
  const [row] = await db.insert(conversations).values({ ...storable(values), userId, accountId }).returning({ id: conversations.id });
  return row!;
}

/** Replace a conversation's content; undefined when it is not this user's. */
export async function updateConversationForUser({ id, userId, values }: { id: string; userId: string; values: Content }) {
  const db = await getDb();
  const [row] = await db
    .update(conversations)
    .set({ ...storable(values), updatedAt: sql`now()` })
    .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
    .returning({ id: conversations.id });
  return row;
}

export async function deleteConversationForUser({ id, userId }: { id: string; userId: string }) {
  const db = await getDb();
  const [row] = await db
    .delete(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
    .returning({ id: conversations.id });
  return row;
}
