"use client";

import { useEffect, useRef, useState } from "react";
import type { Attachments } from "./use-attachments";

/**
 * The message box: Enter sends, Shift+Enter starts a new line, Escape stops
 * an answer being written. Images come from the button, a paste or a drop.
 */
export function Composer({
  streaming,
  busy = false,
  disabledReason,
  attachments,
  visionAllowed,
  onSend,
  onStop,
  testIdPrefix = "chat",
  placeholder = "Send a message (Enter to send, Shift+Enter for a new line)",
}: {
  streaming: boolean;
  /** Still finishing the last exchange (reading its billed figures): nothing new is sent until then. */
  busy?: boolean;
  disabledReason: string | null;
  attachments?: Attachments;
  visionAllowed?: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
  testIdPrefix?: string;
  placeholder?: string;
}) {
  const [text, setText] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const canSend = !streaming && !busy && !disabledReason && (text.trim().length > 0 || (attachments?.images.length ?? 0) > 0);

  useEffect(() => {
    if (!streaming) input.current?.focus();
  }, [streaming]);

  const send = () => {
    if (!canSend) return;
    onSend(text.trim());
    setText("");
  };

  return (
    <form
      className="rounded-lg border bg-surface shadow-xs has-[textarea:focus-visible]:border-ring has-[textarea:focus-visible]:outline-2 has-[textarea:focus-visible]:outline-offset-2 has-[textarea:focus-visible]:outline-ring"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {attachments && (attachments.images.length > 0 || attachments.error) && (
        <div className="flex flex-wrap items-start gap-2 border-b p-2">
          {attachments.images.map((src, i) => (
            <div key={i} className="relative" data-testid="attachment-preview">
              {/* eslint-disable-next-line @next/next/no-img-element */}
              <img src={src} alt={`Image ${i + 1} to send`} className="size-16 rounded border object-cover" />
              <button
                type="button"
                aria-label={`Remove image ${i + 1}`}
                data-testid="attachment-remove"
                onClick={() => attachments.remove(i)}
                className="absolute -top-1.5 -right-1.5 flex size-5 items-center justify-center rounded-full border bg-surface text-xs shadow-xs hover:bg-accent"
              >
                ×
              </button>
            </div>
          ))}
          {attachments.error && (
            <p className="self-center text-xs text-danger" role="alert" data-testid="attachment-error">
              {attachments.error}
            </p>
          )}
        </div>
      )}
      <label htmlFor={`${testIdPrefix}-input`} className="sr-only">
        Message
      </label>
      <textarea
        id={`${testIdPrefix}-input`}
        ref={input}
        data-testid={`${testIdPrefix}-input`}
        value={text}
        rows={Math.min(8, Math.max(2, text.split("\n").length))}
        placeholder={disabledReason ?? placeholder}
        disabled={Boolean(disabledReason)}
        onChange={(e) => setText(e.target.value)}
        onPaste={(e) => {
          if (!attachments) return;
          const files = [...e.clipboardData.files];
          if (files.some((f) => f.type.startsWith("image/"))) {
            e.preventDefault();
            void attachments.add(files);
          }
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            send();
          }
        }}
        className="block w-full resize-none bg-transparent px-3 pt-3 pb-1 text-sm outline-none placeholder:text-muted disabled:cursor-not-allowed"
      />
      <div className="flex items-center justify-between gap-2 px-2 pb-2">
        <div className="flex items-center gap-2">
          {attachments && (
            <>
              <input
                ref={fileInput}
                type="file"
                accept="image/*"
                multiple
                hidden
                data-testid="attach-input"
                onChange={(e) => {
                  if (e.target.files) void attachments.add(e.target.files);
                  e.target.value = "";
                }}
              />
              <button
                type="button"
                data-testid="attach-image"
                disabled={!visionAllowed || streaming}
                title={visionAllowed ? "Attach images (or paste or drop them)" : "This model cannot read images"}
                onClick={() => fileInput.current?.click()}
                className="inline-flex h-8 items-center gap-1.5 rounded-md border border-field-border px-2.5 text-xs text-muted hover:bg-accent hover:text-foreground disabled:cursor-not-allowed disabled:opacity-50"
              >
                <svg aria-hidden="true" viewBox="0 0 20 20" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="1.6">
                  <rect x="2.5" y="3.5" width="15" height="13" rx="2" />
                  <circle cx="7" cy="8" r="1.5" />
                  <path d="m3 15 4.5-4.5 3 3 2.5-2.5 4.5 4.5" />
                </svg>
                Image
              </button>
              {!visionAllowed && <span className="hidden text-[11px] text-muted sm:inline">Text only model</span>}
            </>
          )}
        </div>
        {streaming ? (
          <button
            type="button"
            onClick={onStop}
            data-testid={`${testIdPrefix}-stop`}
            aria-keyshortcuts="Escape"
            className="inline-flex h-8 items-center gap-1.5 rounded-md border border-field-border bg-surface px-3 text-sm font-medium hover:bg-accent"
          >
            <span aria-hidden="true" className="size-2.5 rounded-xs bg-foreground" />
            Stop
          </button>
        ) : (
          <button
            type="submit"
            disabled={!canSend}
            data-testid={`${testIdPrefix}-send`}
            aria-keyshortcuts="Enter"
            className="h-8 rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground hover:bg-primary-hover disabled:cursor-not-allowed disabled:opacity-50"
          >
            Send
          </button>
        )}
      </div>
    </form>
  );
}
