import { expect, it } from "vitest";
import { findConversationForUser, insertConversation, updateConversationForUser } from "@/db/queries/conversations";
import { describeEachDriver } from "@/tests/support/databases";
import { createTenant } from "@/tests/support/gateway";

/* A model may generate U+0000, which Postgres text and jsonb cannot hold: the conversation is saved all the same. */
describeEachDriver("conversations", () => {
  it("saves a conversation whose answer holds a NUL character, with the replacement character in its place", async () => {
    const t = await createTenant();
    const messages = [
      { role: "user", content: "Once upon a time" },
      { role: "assistant", content: "y\u0000q upon", stats: { backend: "embedded on vm" } },
    ];
    const { id } = await insertConversation({ userId: t.user.id, accountId: t.account.id, values: { title: "t\u0000", model: "m", settings: {}, messages } as never });
    let row = await findConversationForUser({ id, userId: t.user.id });
    expect(row!.title).toBe("t\ufffd");
    expect((row!.messages as { content: string }[])[1]!.content).toBe("y\ufffdq upon");
    await updateConversationForUser({ id, userId: t.user.id, values: { title: "t", model: "m", settings: {}, messages: [...messages, { role: "user", content: "\u0000" }] } as never });
    row = await findConversationForUser({ id, userId: t.user.id });
    expect((row!.messages as { content: string }[])[2]!.content).toBe("\ufffd");
  });
});
