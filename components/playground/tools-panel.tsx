"use client";

import { useId } from "react";
import { type ChatSettings, parseTools } from "./chat-types";

const EXAMPLE = JSON.stringify(
  [
    {
      name: "get_weather",
      description: "Get the current weather in a city",
      parameters: {
        type: "object",
        properties: {
          location: { type: "string", description: "City and country, e.g. Paris, France" },
          unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        },
        required: ["location"],
      },
    },
  ],
  null,
  2,
);

/** Functions the model may call, as JSON schema, and whether it must. */
export function ToolsPanel({
  settings,
  onChange,
  supported,
}: {
  settings: ChatSettings;
  onChange: (s: Pick<ChatSettings, "tools" | "toolChoice">) => void;
  supported: boolean;
}) {
  const id = useId();
  const { tools, error } = parseTools(settings.tools);
  return (
    <div className="space-y-2" data-testid="tools-panel">
      {!supported && <p className="text-xs text-muted">This model does not call tools: pick one marked &ldquo;tools&rdquo; to use them.</p>}
      <div className="flex items-center justify-between">
        <label htmlFor={id} className="text-xs font-medium">
          Functions (JSON schema)
        </label>
        {!settings.tools.trim() && (
          <button type="button" data-testid="tools-example" onClick={() => onChange({ tools: EXAMPLE, toolChoice: settings.toolChoice })} className="text-xs text-muted underline underline-offset-2 hover:text-foreground">
            Insert an example
          </button>
        )}
      </div>
      <textarea
        id={id}
        data-testid="tools-input"
        value={settings.tools}
        rows={settings.tools ? 10 : 3}
        spellCheck={false}
        placeholder='[{"name": "get_weather", "parameters": {...}}]'
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-status`}
        onChange={(e) => onChange({ tools: e.target.value, toolChoice: settings.toolChoice })}
        className="block w-full rounded-md border border-field-border bg-field p-2 font-mono text-xs placeholder:text-muted aria-invalid:border-danger"
      />
      <p id={`${id}-status`} className={`text-xs ${error ? "text-danger" : "text-muted"}`} data-testid="tools-status">
        {error ?? (tools ? `${tools.length} function${tools.length === 1 ? "" : "s"}: ${tools.map((t) => (t.function as { name: string }).name).join(", ")}` : "No functions: the model answers in text.")}
      </p>
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={`${id}-choice`} className="text-xs font-medium">
          Tool choice
        </label>
        <select
          id={`${id}-choice`}
          data-testid="tool-choice"
          value={settings.toolChoice}
          onChange={(e) => onChange({ tools: settings.tools, toolChoice: e.target.value as ChatSettings["toolChoice"] })}
          className="h-8 rounded-md border border-field-border bg-field px-2 text-xs"
        >
          <option value="auto">auto</option>
          <option value="required">required</option>
          <option value="none">none</option>
        </select>
      </div>
    </div>
  );
}
