import { randomUUID } from "node:crypto";
import { registerEmbeddedModels } from "../engine/register";
import { env } from "../env";
import { getGatewayRuntime } from "../gateway";
import { log } from "../log";
import { type PullProgress, pullModel } from "./pull";

export type PullState = "running" | "done" | "failed" | "cancelled";

export interface PullJob {
  id: string;
  url: string;
  name: string;
  state: PullState;
  progress: PullProgress;
  error: string | null;
  /** The model id once the file is in place. */
  model: string | null;
  sha256: string | null;
  startedAt: number;
  startedBy: string;
}

interface Entry {
  job: PullJob;
  controller: AbortController;
}

/*
 * Pulls started from the console run in this process, on globalThis so every
 * route bundle sees the same ones. Finished pulls are kept an hour, for the
 * page that started them.
 */
const holder = globalThis as unknown as { __llmaasPulls?: Map<string, Entry> };
const pulls = () => (holder.__llmaasPulls ??= new Map());
const KEEP_MS = 60 * 60 * 1000;

/** After a file lands: register it and let the gateway offer it now, not at its next refresh. */
export async function offerNewModels(): Promise<void> {
  await registerEmbeddedModels();
  await getGatewayRuntime().gateway.options.catalogue.refresh();
}

export function startPull({ url, name, sha256, startedBy }: { url: string; name: string; sha256?: string; startedBy: string }): PullJob {
  for (const [id, e] of pulls()) if (e.job.state !== "running" && Date.now() - e.job.startedAt > KEEP_MS) pulls().delete(id);
  const controller = new AbortController();
  const job: PullJob = {
    id: randomUUID(),
    url,
    name,
    state: "running",
    progress: { received: 0, total: null, bytesPerSecond: 0, secondsLeft: null, resumed: 0 },
    error: null,
    model: null,
    sha256: null,
    startedAt: Date.now(),
    startedBy,
  };
  pulls().set(job.id, { job, controller });
  void pullModel({ url, name, sha256, dir: env().LLMAAS_MODELS_DIR, signal: controller.signal, onProgress: (p) => (job.progress = p) })
    .then(async (result) => {
      job.sha256 = result.sha256;
      await offerNewModels();
      job.model = result.name.replace(/\.gguf$/i, "");
      job.state = "done";
      log.info("model pulled from the console", { model: job.model, bytes: result.bytes });
    })
    .catch((err: unknown) => {
      job.state = controller.signal.aborted ? "cancelled" : "failed";
      job.error = controller.signal.aborted ? null : err instanceof Error && err.name === "ModelFileError" ? err.message : "The download failed: the server could not be reached or kept dropping the connection";
      if (job.state === "failed") log.warn("a model pull failed", { error: err instanceof Error ? err.message : String(err) });
    });
  return job;
}

export const listPulls = (): PullJob[] => [...pulls().values()].map((e) => e.job).sort((a, b) => b.startedAt - a.startedAt);
export const findPull = (id: string): PullJob | undefined => pulls().get(id)?.job;

export function cancelPull(id: string): PullJob | undefined {
  const entry = pulls().get(id);
  if (entry?.job.state === "running") entry.controller.abort();
  return entry?.job;
}
