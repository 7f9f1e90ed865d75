import { z } from "zod";

/*
 * A conversation as the playground saves it. Messages keep the reference's
 * shape (role, content, tool calls) plus the figures the console measured;
 * their inner fields are the playground's business, so they pass as they are.
 */
export const conversationSchema = z.object({
  title: z.string().trim().min(1).max(200),
  model: z.string().trim().min(1).max(200),
  settings: z.record(z.string(), z.unknown()).default({}),
  messages: z
    .array(z.looseObject({ role: z.enum(["system", "user", "assistant", "tool"]) }))
    .max(500, "A conversation keeps at most 500 messages"),
});
export type ConversationInput = z.infer<typeof conversationSchema>;

export const idSchema = z.string().uuid();
