"use client";

import { useRef, useState } from "react";
import { CodeBlock } from "@/components/ui/code-block";
import { LanguageTabs, SNIPPET_LANGUAGES } from "./language-tabs";
import { type SnippetLanguage, snippet } from "./snippets";

/** What the playground adds to a request it streams; the code shows the same when asked to stream. */
const STREAMING = { stream: true, stream_options: { include_usage: true } };

/**
 * A button that opens a request as code to run with one's own API key. With
 * `streamable`, the code asks for the whole answer at once by default (the
 * simplest to read and run) and offers the streamed form the console uses.
 */
export function ViewCode({
  baseUrl,
  path,
  request,
  disabled,
  streamable = false,
}: {
  baseUrl: string;
  path: string;
  request: () => Record<string, unknown>;
  disabled?: boolean;
  streamable?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [language, setLanguage] = useState<SnippetLanguage>("curl");
  const [body, setBody] = useState<Record<string, unknown> | null>(null);
  const [stream, setStream] = useState(false);
  const shown = body && (streamable && stream ? { ...body, ...STREAMING } : body);
  return (
    <>
      <button
        type="button"
        data-testid="view-code"
        disabled={disabled}
        onClick={() => {
          setBody(request());
          dialog.current?.showModal();
        }}
        className="inline-flex h-8 items-center rounded-md border border-field-border bg-surface px-3 text-xs font-medium hover:bg-accent disabled:opacity-50"
      >
        View code
      </button>
      <dialog
        ref={dialog}
        aria-labelledby="view-code-title"
        data-testid="view-code-dialog"
        onClick={(e) => {
          if (e.target === dialog.current) dialog.current.close();
        }}
        className="m-auto w-[min(46rem,calc(100vw-2rem))] rounded-lg border bg-surface p-0 text-foreground shadow-xl backdrop:bg-black/40"
      >
        <div className="space-y-3 p-4 sm:p-5">
          <header className="flex items-start justify-between gap-4">
            <div>
              <h2 id="view-code-title" className="text-base font-semibold">
                This request as code
              </h2>
              <p className="text-sm text-muted">
                Run it with an API key of yours in <code className="text-foreground">LLMAAS_API_KEY</code>.
              </p>
            </div>
            <button type="button" onClick={() => dialog.current?.close()} data-testid="view-code-close" className="rounded px-2 py-1 text-sm text-muted hover:bg-accent" aria-label="Close">
              ✕
            </button>
          </header>
          <div className="flex flex-wrap items-center justify-between gap-3">
            <LanguageTabs value={language} onChange={setLanguage} testIdPrefix="code-tab" />
            {streamable && (
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={stream} onChange={(e) => setStream(e.target.checked)} data-testid="view-code-stream" className="size-4 accent-current" />
                Stream the answer
              </label>
            )}
          </div>
          {shown && (
            <div className="max-h-[60vh] overflow-y-auto">
              <CodeBlock label={SNIPPET_LANGUAGES.find((l) => l.id === language)!.label} code={snippet(language, baseUrl, path, shown)} testId="code-snippet" />
            </div>
          )}
        </div>
      </dialog>
    </>
  );
}
