"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ConsoleModel } from "@/lib/console/catalogue";
import { answerMessage, withBilled } from "./answer";
import { billedUsage } from "./billed";
import { streamChat } from "./chat-stream";
import { type ChatMessage, DEFAULT_PARAMS, type Params, chatRequest, newId } from "./chat-types";
import { CompareColumn } from "./compare-column";
import { Composer } from "./composer";
import { LimitsPanel } from "./limits-panel";
import { ParametersPanel } from "./parameters-panel";
import { ViewCode } from "./view-code";

interface Column {
  key: string;
  modelId: string;
  messages: ChatMessage[];
  streamingId: string | null;
}

const MAX_COLUMNS = 3;

/** The same prompt to two or three models side by side, streamed in parallel, each with its tokens, timings and cost. */
export function ComparePlayground({ models, baseUrl }: { models: ConsoleModel[]; baseUrl: string }) {
  const [columns, setColumns] = useState<Column[]>(() =>
    models.slice(0, Math.min(2, models.length)).map((m) => ({ key: newId(), modelId: m.id, messages: [], streamingId: null })),
  );
  const [system, setSystem] = useState("");
  const [params, setParams] = useState<Params>(DEFAULT_PARAMS);
  const [showSettings, setShowSettings] = useState(false);
  const [limitsVersion, setLimitsVersion] = useState(0);
  const [settling, setSettling] = useState(false);
  const controllers = useRef<AbortController[]>([]);
  const streaming = columns.some((c) => c.streamingId !== null);

  const update = (key: string, change: (c: Column) => Column) => setColumns((cols) => cols.map((c) => (c.key === key ? change(c) : c)));
  const stop = useCallback(() => controllers.current.forEach((c) => c.abort()), []);

  useEffect(() => {
    if (!streaming) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && stop();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [streaming, stop]);

  const settings = { system, params, tools: "", toolChoice: "auto" as const };

  async function runColumn(column: Column, text: string) {
    const model = models.find((m) => m.id === column.modelId);
    const history: ChatMessage[] = [...column.messages.filter((m) => !m.error), { id: newId(), role: "user", content: text }];
    const id = newId();
    const request = chatRequest(column.modelId, settings, history, { tools: false });
    const chars = JSON.stringify(request.messages).length;
    update(column.key, (c) => ({ ...c, messages: [...history, { id, role: "assistant", content: "", model: column.modelId }], streamingId: id }));
    const abort = new AbortController();
    controllers.current.push(abort);
    const answer = await streamChat(request, abort.signal, (partial) =>
      update(column.key, (c) => ({ ...c, messages: [...history, answerMessage(id, undefined, partial, chars)] })),
    );
    const counted = answerMessage(id, model, answer, chars);
    update(column.key, (c) => ({ ...c, messages: [...history, counted], streamingId: null }));
    const refused = answer.error !== null && !answer.content && !answer.stats.completionTokens;
    const billed = refused ? null : await billedUsage(answer.stats.requestId, 8);
    update(column.key, (c) => ({ ...c, messages: c.messages.map((m) => (m.id === id ? withBilled(m, billed) : m)) }));
  }

  async function send(text: string) {
    controllers.current = [];
    setSettling(true);
    await Promise.all(columns.map((c) => runColumn(c, text)));
    setSettling(false);
    controllers.current = [];
    setLimitsVersion((v) => v + 1);
  }

  const contexts = columns.map((c) => models.find((m) => m.id === c.modelId)?.maxModelLen).filter((n): n is number => n !== undefined);
  const shortestContext = contexts.length ? Math.min(...contexts) : undefined;

  /** The first column's last request: its conversation up to its last answer (or a first message, before any). */
  function firstColumnRequest() {
    const column = columns[0]!;
    const last = column.messages.findLastIndex((m) => m.role === "assistant");
    const history = last >= 0 ? column.messages.slice(0, last) : [{ id: "example", role: "user" as const, content: "Hello!" }];
    return chatRequest(column.modelId, settings, history, { tools: false });
  }

  return (
    <div className="flex h-[calc(100dvh-3.5rem-1px)] flex-col gap-3 overflow-hidden p-4">
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Compare models</h1>
        <p className="hidden text-sm text-muted md:block">One prompt, several models, side by side.</p>
        <div className="ml-auto flex flex-wrap items-center gap-2">
          <button
            type="button"
            onClick={() => setShowSettings((s) => !s)}
            aria-expanded={showSettings}
            data-testid="compare-settings-toggle"
            className="inline-flex h-8 items-center rounded-md border border-field-border bg-surface px-3 text-xs font-medium hover:bg-accent"
          >
            System prompt and parameters
          </button>
          <button
            type="button"
            disabled={columns.length >= MAX_COLUMNS || streaming}
            data-testid="compare-add"
            onClick={() => {
              const unused = models.find((m) => !columns.some((c) => c.modelId === m.id)) ?? models[0]!;
              setColumns((cols) => [...cols, { key: newId(), modelId: unused.id, messages: [], streamingId: null }]);
            }}
            className="inline-flex h-8 items-center rounded-md border border-field-border bg-surface px-3 text-xs font-medium hover:bg-accent disabled:opacity-50"
          >
            + Add a model
          </button>
          <button
            type="button"
            disabled={streaming}
            data-testid="compare-clear"
            onClick={() => setColumns((cols) => cols.map((c) => ({ ...c, messages: [] })))}
            className="inline-flex h-8 items-center rounded-md border border-field-border bg-surface px-3 text-xs font-medium hover:bg-accent disabled:opacity-50"
          >
            Clear
          </button>
          <ViewCode
            baseUrl={baseUrl}
            path="/chat/completions"
            request={firstColumnRequest}
            streamable
          />
        </div>
      </header>
      {showSettings && (
        <div className="grid gap-4 rounded-lg border bg-surface p-4 md:grid-cols-[1fr_18rem]" data-testid="compare-settings">
          <div className="space-y-1.5">
            <label htmlFor="compare-system" className="block text-xs font-medium text-muted">
              System prompt, for every model
            </label>
            <textarea
              id="compare-system"
              data-testid="compare-system"
              value={system}
              rows={6}
              onChange={(e) => setSystem(e.target.value)}
              placeholder="You are a helpful assistant."
              className="block w-full rounded-md border border-field-border bg-field p-2 text-sm placeholder:text-muted"
            />
          </div>
          <ParametersPanel params={params} onChange={setParams} maxModelLen={shortestContext} />
        </div>
      )}
      <LimitsPanel version={limitsVersion} />
      <div className={`grid min-h-0 flex-1 auto-rows-[minmax(18rem,1fr)] gap-3 overflow-y-auto md:auto-rows-[minmax(0,1fr)] ${columns.length === 3 ? "md:grid-cols-3" : "md:grid-cols-2"}`}>
        {columns.map((c, i) => (
          <CompareColumn
            key={c.key}
            index={i}
            models={models}
            modelId={c.modelId}
            messages={c.messages}
            streamingId={c.streamingId}
            busy={streaming}
            onModel={(id) => update(c.key, (col) => ({ ...col, modelId: id, messages: [] }))}
            onRemove={columns.length > 2 ? () => setColumns((cols) => cols.filter((x) => x.key !== c.key)) : undefined}
          />
        ))}
      </div>
      <div className="mx-auto w-full max-w-3xl">
        <Composer streaming={streaming} busy={settling} disabledReason={null} onSend={(t) => void send(t)} onStop={stop} testIdPrefix="compare" placeholder="Send the same message to every model (Enter to send)" />
      </div>
    </div>
  );
}
