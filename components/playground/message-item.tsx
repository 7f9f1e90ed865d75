"use client";

import { useState } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import type { ChatMessage } from "./chat-types";
import { Markdown } from "./markdown";
import { MessageStatsRow } from "./message-stats";
import { ToolCallCard } from "./tool-call-card";
import { ApiErrorAlert } from "./api-error-alert";

const action = "rounded px-2 py-0.5 text-xs text-muted hover:bg-accent hover:text-foreground disabled:opacity-50";

export function MessageItem({
  message,
  streaming,
  busy,
  canRegenerate,
  answeredCalls,
  onEdit,
  onRegenerate,
  onToolResult,
}: {
  message: ChatMessage;
  streaming: boolean;
  busy: boolean;
  canRegenerate: boolean;
  answeredCalls: Map<string, string>;
  onEdit: (text: string) => void;
  onRegenerate: () => void;
  onToolResult: (results: { id: string; name: string; content: string }[]) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.content);

  if (message.role === "tool") {
    return (
      <div className="ml-auto max-w-[85%] rounded-lg border border-dashed px-3 py-2 text-sm" data-testid="message-tool">
        <p className="mb-1 text-xs font-medium text-muted">Result of {message.name ?? "the tool"}</p>
        <pre className="text-xs whitespace-pre-wrap">{message.content}</pre>
      </div>
    );
  }

  if (message.role === "user") {
    return (
      <div className="flex flex-col items-end gap-1" data-testid="message-user">
        {editing ? (
          <form
            className="w-full max-w-[85%] space-y-2"
            onSubmit={(e) => {
              e.preventDefault();
              setEditing(false);
              onEdit(draft);
            }}
          >
            <label className="sr-only" htmlFor={`edit-${message.id}`}>
              Edit message
            </label>
            <textarea
              id={`edit-${message.id}`}
              data-testid="edit-input"
              value={draft}
              autoFocus
              rows={Math.min(10, draft.split("\n").length + 1)}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && !e.shiftKey) {
                  e.preventDefault();
                  e.currentTarget.form?.requestSubmit();
                }
                if (e.key === "Escape") setEditing(false);
              }}
              className="block w-full rounded-md border border-field-border bg-field p-2 text-sm"
            />
            <div className="flex justify-end gap-2">
              <button type="button" className={action} onClick={() => setEditing(false)} data-testid="edit-cancel">
                Cancel
              </button>
              <button type="submit" className="rounded-md bg-primary px-3 py-1 text-xs font-medium text-primary-foreground" data-testid="edit-send">
                Save and send
              </button>
            </div>
          </form>
        ) : (
          <div className="max-w-[85%] rounded-lg bg-accent px-3 py-2 text-sm whitespace-pre-wrap" data-testid="message-user-text">
            {message.images && message.images.length > 0 && (
              <div className="mb-2 flex flex-wrap gap-2">
                {message.images.map((src, i) => (
                  // eslint-disable-next-line @next/next/no-img-element
                  <img key={i} src={src} alt={`Attached image ${i + 1}`} className="max-h-40 rounded border object-contain" data-testid="message-image" />
                ))}
              </div>
            )}
            {message.content}
          </div>
        )}
        {!editing && (
          <div className="flex gap-1">
            <CopyButton text={message.content} what="message" testId="message-copy" />
            <button
              type="button"
              className={action}
              disabled={busy}
              data-testid="message-edit"
              onClick={() => {
                setDraft(message.content);
                setEditing(true);
              }}
            >
              Edit
            </button>
          </div>
        )}
      </div>
    );
  }

  const pendingCalls = (message.toolCalls ?? []).filter((c) => !answeredCalls.has(c.id));
  return (
    <div className="flex flex-col gap-1.5" data-testid="message-assistant">
      {message.model && <p className="text-xs font-medium text-muted">{message.model}</p>}
      {message.reasoning && (
        <details className="rounded-md border px-3 py-1.5 text-xs text-muted" open={streaming && !message.content}>
          <summary className="cursor-pointer" data-testid="reasoning-toggle">
            Reasoning
          </summary>
          <p className="mt-1 whitespace-pre-wrap" data-testid="message-reasoning">
            {message.reasoning}
          </p>
        </details>
      )}
      <div data-testid="message-assistant-text" className="min-h-5">
        {message.content ? (
          <Markdown text={message.content} />
        ) : streaming && !message.toolCalls?.length ? (
          <span className="inline-flex gap-1 py-1.5" aria-label="Waiting for the answer">
            <span className="size-1.5 animate-bounce rounded-full bg-muted" />
            <span className="size-1.5 animate-bounce rounded-full bg-muted [animation-delay:150ms]" />
            <span className="size-1.5 animate-bounce rounded-full bg-muted [animation-delay:300ms]" />
          </span>
        ) : null}
      </div>
      {message.toolCalls && message.toolCalls.length > 0 && (
        <ToolCallCard calls={message.toolCalls} answered={answeredCalls} pending={pendingCalls.length > 0 && !streaming && !busy} onSubmit={onToolResult} />
      )}
      {message.error && (
        <ApiErrorAlert error={message.error} testId="message-error" />
      )}
      {message.stopped && (
        <p className="text-xs text-muted" data-testid="message-stopped">
          Stopped: the backend was told to stop generating.
        </p>
      )}
      <div className="flex flex-wrap items-center justify-between gap-2">
        <MessageStatsRow stats={message.stats} streaming={streaming} />
        {!streaming && (
          <div className="flex gap-1">
            {message.content && <CopyButton text={message.content} what="answer" testId="answer-copy" />}
            {canRegenerate && (
              <button type="button" className={action} disabled={busy} onClick={onRegenerate} data-testid="message-regenerate">
                Regenerate
              </button>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
