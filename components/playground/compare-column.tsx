"use client";

import { useEffect, useRef } from "react";
import type { ConsoleModel } from "@/lib/console/catalogue";
import type { ChatMessage } from "./chat-types";
import { formatMoney } from "@/lib/format";
import { Markdown } from "./markdown";
import { MessageStatsRow } from "./message-stats";
import { ModelPicker } from "./model-picker";
import { ApiErrorAlert } from "./api-error-alert";

/** One model's side of a comparison: its picker, its answers with their figures, its total cost. */
export function CompareColumn({
  index,
  models,
  modelId,
  messages,
  streamingId,
  busy,
  onModel,
  onRemove,
}: {
  index: number;
  models: ConsoleModel[];
  modelId: string;
  messages: ChatMessage[];
  streamingId: string | null;
  busy: boolean;
  onModel: (id: string) => void;
  onRemove?: () => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages]);
  const total = messages.reduce((sum, m) => sum + BigInt(m.stats?.costNanos ?? 0), 0n);
  const answered = messages.some((m) => m.stats?.costNanos);
  return (
    <section className="flex min-h-0 min-w-0 flex-col rounded-lg border bg-surface" aria-label={`Model ${index + 1}: ${modelId}`} data-testid="compare-column">
      <header className="flex items-end gap-2 border-b p-3">
        <div className="min-w-0 flex-1">
          <ModelPicker models={models} value={modelId} onChange={onModel} testId={`compare-model-${index}`} label={`Model ${index + 1}`} disabled={busy} />
        </div>
        {onRemove && (
          <button type="button" onClick={onRemove} disabled={busy} data-testid={`compare-remove-${index}`} aria-label={`Remove model ${index + 1}`} className="mb-5 rounded px-2 py-1 text-xs text-muted hover:bg-accent disabled:opacity-50">
            Remove
          </button>
        )}
      </header>
      <div ref={scroller} className="min-h-0 flex-1 space-y-4 overflow-y-auto p-3" aria-live="polite" data-testid="compare-messages">
        {messages.length === 0 && <p className="py-8 text-center text-sm text-muted">Answers of {modelId} appear here.</p>}
        {messages.map((m) =>
          m.role === "user" ? (
            <p key={m.id} className="ml-auto w-fit max-w-[90%] rounded-lg bg-accent px-3 py-1.5 text-sm whitespace-pre-wrap">
              {m.content}
            </p>
          ) : (
            <div key={m.id} className="space-y-1.5" data-testid="compare-answer">
              <div className="min-h-5" data-testid="compare-answer-text">
                {m.content ? <Markdown text={m.content} /> : m.id === streamingId ? <span className="text-sm text-muted">Waiting for the first token…</span> : null}
              </div>
              {m.error && (
                <ApiErrorAlert error={m.error} testId="compare-error" />
              )}
              {m.stopped && <p className="text-xs text-muted">Stopped.</p>}
              <MessageStatsRow stats={m.stats} streaming={m.id === streamingId} testId="compare-stats" />
            </div>
          ),
        )}
      </div>
      <footer className="flex justify-between border-t px-3 py-2 text-xs text-muted">
        <span>Total for this model</span>
        <span className="font-medium text-foreground tabular-nums" data-testid="compare-total">
          {answered ? formatMoney(total) : "—"}
        </span>
      </footer>
    </section>
  );
}
