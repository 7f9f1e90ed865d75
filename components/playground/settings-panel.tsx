"use client";

import { useId } from "react";
import type { ConsoleModel } from "@/lib/console/catalogue";
import type { ChatSettings } from "./chat-types";
import { ModelPicker } from "./model-picker";
import { ParametersPanel } from "./parameters-panel";
import { ToolsPanel } from "./tools-panel";

function Section({ title, children, open, testId }: { title: string; children: React.ReactNode; open?: boolean; testId: string }) {
  return (
    <details open={open} className="group border-t pt-3">
      <summary className="flex cursor-pointer list-none items-center justify-between text-xs font-semibold tracking-wide text-muted uppercase" data-testid={testId}>
        {title}
        <span aria-hidden="true" className="transition-transform group-open:rotate-90">
          ›
        </span>
      </summary>
      <div className="pt-3">{children}</div>
    </details>
  );
}

/** Model, system prompt, sampling parameters and tools of the playground. */
export function SettingsPanel({
  models,
  model,
  onModel,
  settings,
  onSettings,
  busy,
}: {
  models: ConsoleModel[];
  model: ConsoleModel | undefined;
  onModel: (id: string) => void;
  settings: ChatSettings;
  onSettings: (s: ChatSettings) => void;
  busy: boolean;
}) {
  const systemId = useId();
  return (
    <div className="space-y-3">
      <ModelPicker models={models} value={model?.id ?? ""} onChange={onModel} testId="model-picker" disabled={busy} />
      <div className="space-y-1.5">
        <label htmlFor={systemId} className="block text-xs font-medium text-muted">
          System prompt
        </label>
        <textarea
          id={systemId}
          data-testid="system-prompt"
          value={settings.system}
          rows={4}
          placeholder="You are a helpful assistant."
          onChange={(e) => onSettings({ ...settings, system: e.target.value })}
          className="block w-full rounded-md border border-field-border bg-field p-2 text-sm placeholder:text-muted"
        />
      </div>
      <Section title="Parameters" open testId="section-parameters">
        <ParametersPanel params={settings.params} onChange={(params) => onSettings({ ...settings, params })} maxModelLen={model?.maxModelLen} />
      </Section>
      <Section title="Tools" open={Boolean(settings.tools)} testId="section-tools">
        <ToolsPanel settings={settings} supported={Boolean(model?.capabilities.includes("tools"))} onChange={(t) => onSettings({ ...settings, ...t })} />
      </Section>
    </div>
  );
}
