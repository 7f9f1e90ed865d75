"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ConsoleModel } from "@/lib/console/catalogue";
import { answerMessage, withBilled } from "./answer";
import { billedUsage } from "./billed";
import { streamChat } from "./chat-stream";
import { type ChatMessage, type ChatSettings, DEFAULT_SETTINGS, chatRequest, newId, parseTools } from "./chat-types";
import { Composer } from "./composer";
import { type ConversationSummary, ConversationList } from "./conversation-list";
import { LimitsPanel } from "./limits-panel";
import { MessageItem } from "./message-item";
import { SettingsPanel } from "./settings-panel";
import { useAttachments } from "./use-attachments";
import { useFileDrop } from "@/components/ui/use-file-drop";
import { ViewCode } from "./view-code";

export interface SavedConversation {
  id: string;
  model: string;
  settings: Partial<ChatSettings>;
  messages: ChatMessage[];
}

const EXAMPLES = ["Explain what a context window is, in two sentences.", "Write a Python function that checks whether a string is a palindrome.", "Give me three names for a coffee shop run by robots."];

const titleOf = (messages: ChatMessage[]) => {
  const first = messages.find((m) => m.role === "user")?.content.trim() || "Image";
  return first.length > 60 ? `${first.slice(0, 57)}…` : first;
};

export function ChatPlayground({
  models,
  baseUrl,
  initial,
  initialModel,
  conversations: initialList,
}: {
  models: ConsoleModel[];
  baseUrl: string;
  initial: SavedConversation | null;
  initialModel?: string;
  conversations: ConversationSummary[];
}) {
  const [modelId, setModelId] = useState(() => [initial?.model, initialModel].find((id) => id && models.some((m) => m.id === id)) ?? models[0]!.id);
  const [settings, setSettings] = useState<ChatSettings>(() => ({ ...DEFAULT_SETTINGS, ...initial?.settings }));
  const [messages, setMessages] = useState<ChatMessage[]>(initial?.messages ?? []);
  const [streamingId, setStreamingId] = useState<string | null>(null);
  const [settling, setSettling] = useState(false);
  const [conversationId, setConversationId] = useState<string | null>(initial?.id ?? null);
  const [conversations, setConversations] = useState(initialList);
  const [limitsVersion, setLimitsVersion] = useState(0);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [panel, setPanel] = useState<"none" | "history" | "settings">("none");
  const controller = useRef<AbortController | null>(null);
  /** The request each answer of this visit came from, by the answer's id, so View code shows exactly that. */
  const sent = useRef(new Map<string, Record<string, unknown>>());
  const scroller = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  /** Bumped when the shown conversation changes, so an answer still finishing cannot write into another one. */
  const generation = useRef(0);

  const model = models.find((m) => m.id === modelId);
  const vision = Boolean(model?.capabilities.includes("vision"));
  const attachments = useAttachments(vision, modelId);
  const { dragging, dropProps } = useFileDrop((files) => void attachments.add(files));
  const streaming = streamingId !== null;
  const toolsError = parseTools(settings.tools).error;

  const answeredCalls = useMemo(() => new Map(messages.filter((m) => m.role === "tool").map((m) => [m.toolCallId!, m.content])), [messages]);

  useEffect(() => {
    const el = scroller.current;
    if (el && stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, [messages]);

  const stop = useCallback(() => controller.current?.abort(), []);

  useEffect(() => {
    if (!streaming) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") stop();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [streaming, stop]);

  useEffect(() => {
    if (panel === "none") return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setPanel("none");
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [panel]);

  async function save(all: ChatMessage[]) {
    const body = JSON.stringify({ title: titleOf(all), model: modelId, settings, messages: all });
    try {
      const res = await fetch(conversationId ? `/api/console/conversations/${conversationId}` : "/api/console/conversations", {
        method: conversationId ? "PUT" : "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      if (!res.ok) throw new Error(((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ?? `error ${res.status}`);
      const { id } = (await res.json()) as { id: string };
      if (!conversationId) {
        setConversationId(id);
        window.history.replaceState(null, "", `/chat/${id}`);
      }
      setConversations((list) => [{ id, title: titleOf(all), model: modelId, updatedAt: new Date().toISOString() }, ...list.filter((c) => c.id !== id)]);
      setSaveError(null);
    } catch (err) {
      setSaveError(`This conversation could not be saved: ${(err as Error).message}`);
    }
  }

  async function run(history: ChatMessage[]) {
    const gen = ++generation.current;
    const id = newId();
    const request = chatRequest(modelId, settings, history, { tools: Boolean(model?.capabilities.includes("tools")) });
    sent.current.set(id, request);
    const requestChars = JSON.stringify(request.messages).length;
    stickToBottom.current = true;
    setMessages([...history, { id, role: "assistant", content: "", model: modelId }]);
    setStreamingId(id);
    setSettling(true);
    const abort = new AbortController();
    controller.current = abort;
    const answer = await streamChat(request, abort.signal, (partial) => {
      if (gen === generation.current) setMessages([...history, answerMessage(id, undefined, partial, requestChars)]);
    });
    if (gen !== generation.current) return;
    const counted = answerMessage(id, model, answer, requestChars);
    setMessages([...history, counted]);
    setStreamingId(null);
    controller.current = null;
    // The recorded figures arrive a moment later; limits are re-read once the request has settled.
    // A request refused before it reached a model cost nothing: no figures to wait for.
    const refused = answer.error !== null && !answer.content && !answer.stats.completionTokens;
    const final = [...history, refused ? counted : withBilled(counted, await billedUsage(answer.stats.requestId, 8))];
    if (gen !== generation.current) return;
    setMessages(final);
    setLimitsVersion((v) => v + 1);
    setSettling(false);
    await save(final);
  }

  function send(text: string) {
    const user: ChatMessage = { id: newId(), role: "user", content: text, ...(attachments.images.length ? { images: attachments.images } : {}) };
    attachments.clear();
    void run([...messages, user]);
  }

  /** Leave the answer being written (if any): it is stopped and its late updates are ignored. */
  function abandonRun() {
    generation.current++;
    stop();
    setStreamingId(null);
    setSettling(false);
  }

  function newChat() {
    abandonRun();
    setMessages([]);
    setConversationId(null);
    attachments.clear();
    window.history.replaceState(null, "", "/chat");
  }

  /** Open a saved conversation in place: fetched here, not navigated to, so the playground keeps one state. */
  async function open(id: string) {
    if (id === conversationId) return;
    abandonRun();
    const res = await fetch(`/api/console/conversations/${id}`, { cache: "no-store" }).catch(() => null);
    if (!res?.ok) {
      setSaveError("This conversation could not be opened: it may have been deleted. Reload the page to see the current list.");
      return;
    }
    const c = (await res.json()) as { id: string; model: string; settings: Partial<ChatSettings>; messages: ChatMessage[] };
    setConversationId(c.id);
    setMessages(c.messages);
    setSettings({ ...DEFAULT_SETTINGS, ...c.settings });
    if (models.some((m) => m.id === c.model)) setModelId(c.model);
    attachments.clear();
    setSaveError(null);
    setPanel("none");
    window.history.replaceState(null, "", `/chat/${c.id}`);
  }

  async function remove(id: string) {
    const res = await fetch(`/api/console/conversations/${id}`, { method: "DELETE" });
    if (!res.ok && res.status !== 404) {
      setSaveError("The conversation could not be deleted: try again.");
      return;
    }
    setConversations((list) => list.filter((c) => c.id !== id));
    if (id === conversationId) newChat();
  }

  const lastAssistant = messages.findLastIndex((m) => m.role === "assistant");

  /**
   * The request behind the answer on screen: as it was sent during this visit,
   * or, for a conversation opened from the history, rebuilt from the messages
   * before that answer. With no answer yet, what sending a first message does.
   */
  function shownRequest() {
    const tools = { tools: Boolean(model?.capabilities.includes("tools")) };
    const answer = messages[lastAssistant];
    if (!answer) return chatRequest(modelId, settings, messages.length ? messages : [{ id: "example", role: "user", content: "Hello!" }], tools);
    return sent.current.get(answer.id) ?? chatRequest(answer.model ?? modelId, settings, messages.slice(0, lastAssistant), tools);
  }
  const disabledReason = toolsError ? "Fix the tool definitions first (see Tools)" : null;

  const side = (which: "history" | "settings") =>
    `${panel === which ? "fixed inset-y-0 z-30 flex w-80 max-w-[90vw] shadow-xl" : "hidden"} ${which === "history" ? "left-0 border-r" : "right-0 border-l"} flex-col gap-3 overflow-y-auto bg-surface p-4 lg:static lg:z-auto lg:flex lg:w-auto lg:max-w-none lg:shadow-none`;

  return (
    <div className="grid h-[calc(100dvh-3.5rem-1px)] grid-cols-1 lg:grid-cols-[15rem_minmax(0,1fr)_19rem]">
      {panel !== "none" && <div className="fixed inset-0 z-20 bg-black/30 lg:hidden" onClick={() => setPanel("none")} aria-hidden="true" />}
      <aside className={side("history")} data-testid="history-panel">
        <ConversationList conversations={conversations} currentId={conversationId} onOpen={(id) => void open(id)} onDelete={(id) => void remove(id)} onNew={newChat} />
      </aside>

      <section
        className={`relative flex min-h-0 flex-col ${dragging ? "outline-2 -outline-offset-4 outline-ring outline-dashed" : ""}`}
        aria-label="Chat"
        {...dropProps}
        data-testid="chat-area"
        data-conversation-id={conversationId ?? ""}
      >
        <header className="space-y-3 border-b px-4 py-3">
          <div className="flex items-center gap-2">
            <button type="button" className="rounded-md border px-2 py-1 text-xs lg:hidden" onClick={() => setPanel("history")} data-testid="open-history">
              History
            </button>
            <h1 className="min-w-0 flex-1 truncate text-sm font-semibold" data-testid="chat-title">
              {messages.length ? titleOf(messages) : "New chat"}
            </h1>
            {messages.length > 0 && (
              <button
                type="button"
                onClick={newChat}
                // Until the answer's billed figures are in and it is saved, clearing would lose it.
                disabled={streaming || settling}
                data-testid="chat-clear"
                title="Start afresh with the same model and settings; this conversation stays in the history"
                className="inline-flex h-8 items-center rounded-md border border-field-border bg-surface px-3 text-xs font-medium hover:bg-accent disabled:opacity-50"
              >
                Clear
              </button>
            )}
            <ViewCode baseUrl={baseUrl} path="/chat/completions" request={shownRequest} streamable />
            <button type="button" className="rounded-md border px-2 py-1 text-xs lg:hidden" onClick={() => setPanel("settings")} data-testid="open-settings">
              Settings
            </button>
          </div>
          <LimitsPanel version={limitsVersion} />
        </header>

        <div
          ref={scroller}
          className="min-h-0 flex-1 overflow-y-auto [overflow-anchor:none]"
          onScroll={(e) => {
            const el = e.currentTarget;
            stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
          }}
          data-testid="messages"
          aria-live="polite"
          aria-busy={streaming}
        >
          <div className="mx-auto flex max-w-3xl flex-col gap-5 px-4 py-6">
            {messages.length === 0 && (
              <div className="py-10 text-center" data-testid="chat-empty">
                <p className="text-lg font-semibold">Try {modelId}</p>
                <p className="mt-1 text-sm text-muted">Each answer shows its tokens, speed and cost. Usage counts against your account like any API call.</p>
                <div className="mt-6 flex flex-wrap justify-center gap-2">
                  {EXAMPLES.map((e) => (
                    <button key={e} type="button" onClick={() => send(e)} data-testid="example-prompt" className="rounded-full border px-3 py-1.5 text-xs text-muted hover:bg-accent hover:text-foreground">
                      {e}
                    </button>
                  ))}
                </div>
              </div>
            )}
            {messages.map((m, i) => (
              <MessageItem
                key={m.id}
                message={m}
                streaming={m.id === streamingId}
                busy={streaming || settling}
                canRegenerate={i === lastAssistant}
                answeredCalls={answeredCalls}
                onEdit={(text) => void run([...messages.slice(0, i), { ...m, content: text }])}
                onRegenerate={() => void run(messages.slice(0, i))}
                onToolResult={(results) =>
                  void run([...messages, ...results.map((r): ChatMessage => ({ id: newId(), role: "tool", toolCallId: r.id, name: r.name, content: r.content }))])
                }
              />
            ))}
          </div>
        </div>

        <div className="mx-auto w-full max-w-3xl space-y-2 px-4 pb-4">
          {saveError && (
            <p role="alert" className="text-xs text-danger" data-testid="save-error">
              {saveError}
            </p>
          )}
          <Composer streaming={streaming} busy={settling} disabledReason={disabledReason} attachments={attachments} visionAllowed={vision} onSend={send} onStop={stop} />
        </div>
      </section>

      <aside className={side("settings")} data-testid="settings-panel" aria-label="Settings">
        <SettingsPanel models={models} model={model} onModel={setModelId} settings={settings} onSettings={setSettings} busy={streaming} />
      </aside>
    </div>
  );
}
