"use client";

import { useState } from "react";
import type { ToolCall } from "./chat-stream";

function pretty(args: string): string {
  try {
    return JSON.stringify(JSON.parse(args), null, 2);
  } catch {
    return args;
  }
}

/** The model's tool calls, each with a box for the result the person types in its place. */
export function ToolCallCard({
  calls,
  answered,
  pending,
  onSubmit,
}: {
  calls: ToolCall[];
  answered: Map<string, string>;
  pending: boolean;
  onSubmit: (results: { id: string; name: string; content: string }[]) => void;
}) {
  const [results, setResults] = useState<Record<string, string>>({});
  const open = calls.filter((c) => !answered.has(c.id));
  return (
    <form
      className="space-y-2"
      data-testid="tool-calls"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(open.map((c) => ({ id: c.id, name: c.function.name, content: results[c.id] ?? "" })));
      }}
    >
      {calls.map((call, i) => (
        <div key={call.id || i} className="rounded-md border bg-surface-sunken p-3 text-sm" data-testid="tool-call">
          <p className="mb-1 text-xs text-muted">
            Call to <code className="font-semibold text-foreground" data-testid="tool-call-name">{call.function.name}</code>
            {call.id && <span className="ml-2">{call.id}</span>}
          </p>
          <pre className="overflow-x-auto text-xs" data-testid="tool-call-arguments">
            {pretty(call.function.arguments)}
          </pre>
          {!answered.has(call.id) && pending && (
            <div className="mt-2 space-y-1">
              <label htmlFor={`result-${call.id}`} className="block text-xs font-medium">
                Result to send back
              </label>
              <textarea
                id={`result-${call.id}`}
                data-testid="tool-result-input"
                rows={2}
                placeholder='e.g. {"temperature": 21}'
                value={results[call.id] ?? ""}
                onChange={(e) => setResults((r) => ({ ...r, [call.id]: e.target.value }))}
                className="block w-full rounded-md border border-field-border bg-field p-2 font-mono text-xs"
              />
            </div>
          )}
        </div>
      ))}
      {open.length > 0 && pending && (
        <button type="submit" data-testid="tool-result-send" className="rounded-md bg-primary px-3 py-1.5 text-xs font-medium text-primary-foreground">
          Send {open.length > 1 ? "results" : "result"} and continue
        </button>
      )}
    </form>
  );
}
