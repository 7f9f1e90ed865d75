import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { NoModels } from "@/components/console/no-models";
import { ChatPlayground, type SavedConversation } from "@/components/playground/chat-playground";
import type { ChatMessage, ChatSettings } from "@/components/playground/chat-types";
import { findConversationForUser } from "@/db/queries/conversations";
import { loadConversations, loadPlayground } from "../load";

export const metadata: Metadata = { title: "Chat" };

/*
 * /chat and /chat/<id> are one route, so the playground stays mounted while
 * it rewrites the address (a conversation saved, cleared or deleted) and
 * takes a conversation opened from the list as new props.
 */
export default async function ChatPage({ params, searchParams }: { params: Promise<{ id?: string[] }>; searchParams: Promise<{ model?: string }> }) {
  const [{ id: parts }, { model }, { user, models, baseUrl, isAdmin, canAddModels }] = await Promise.all([params, searchParams, loadPlayground("chat")]);
  let initial: SavedConversation | null = null;
  if (parts) {
    const id = parts.length === 1 ? parts[0]! : "";
    if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
    const conversation = await findConversationForUser({ id, userId: user.id });
    if (!conversation) notFound();
    initial = {
      id: conversation.id,
      model: conversation.model,
      settings: conversation.settings as Partial<ChatSettings>,
      messages: conversation.messages as unknown as ChatMessage[],
    };
  }
  if (models.length === 0) {
    return (
      <div className="px-4 py-10">
        <NoModels capability="chat" isAdmin={isAdmin} canAddModels={canAddModels} />
      </div>
    );
  }
  return (
    <ChatPlayground
      models={models}
      baseUrl={baseUrl}
      initial={initial}
      initialModel={typeof model === "string" ? model : undefined}
      conversations={await loadConversations(user.id)}
    />
  );
}
