import type { LlamaContextSequence } from "node-llama-cpp";
import { env } from "../env";
import { log } from "../log";
import { findModelFile } from "./files";
import { getLlamaRuntime } from "./llama";
import { LoadedModel } from "./loaded-model";

export interface EngineOptions {
  modelsDir: string;
  /** CPU threads per context. */
  threads?: number;
  /** Requests generating at once; more wait in a queue. */
  parallel?: number;
  /** Tokens of context per request, lowered to a model's training context. */
  contextSize?: number;
}

/** A failure the adapter shows the caller as an OpenAI error of this status. */
export class EngineError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = "EngineError";
  }
}

/** One request's hold on the loaded model: a slot of its context until release(). */
export interface Lease {
  readonly model: LoadedModel;
  /** The slot's sequence, taken on first use and given back on release. */
  sequence(): LlamaContextSequence;
  release(): void;
}

interface Waiter {
  modelId: string;
  path: string;
  resolve(lease: Lease): void;
  reject(err: unknown): void;
  detach(): void;
}

export interface EngineStats {
  model: string | null;
  active: number;
  queued: number;
  /** Tokens generated since start, counted as each request ends. */
  generatedTokens: number;
}

/**
 * Keeps one GGUF model loaded (the first request for it loads it) and lets a
 * bounded number of requests use it at once; the rest queue in arrival order.
 * A request for another model waits until the loaded one is idle, then the
 * engine swaps models: one model's weights in memory at a time.
 */
export class EngineManager {
  readonly modelsDir: string;
  readonly threads: number;
  readonly parallel: number;
  readonly contextSize: number;
  private loaded: LoadedModel | null = null;
  private switching = false;
  private active = 0;
  private queue: Waiter[] = [];
  private generated = 0;
  private closed = false;

  constructor(options: EngineOptions) {
    this.modelsDir = options.modelsDir;
    this.threads = options.threads ?? 1;
    this.parallel = options.parallel ?? 2;
    this.contextSize = options.contextSize ?? 4096;
  }

  stats(): EngineStats {
    return { model: this.loaded?.id ?? null, active: this.active, queued: this.queue.length, generatedTokens: this.generated };
  }

  /** Wait for a slot on model `modelId` (loading it if needed); rejects with the signal's reason if it fires first. */
  async acquire(modelId: string, signal: AbortSignal): Promise<Lease> {
    if (this.closed) throw new EngineError(503, "The embedded engine is shutting down", "engine_closed");
    const file = await findModelFile(this.modelsDir, modelId);
    if (!file) throw new EngineError(404, `Model '${modelId}' has no GGUF file in the embedded engine's models folder`, "model_not_found", "model");
    signal.throwIfAborted();
    return new Promise<Lease>((resolve, reject) => {
      const onAbort = () => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        reject(signal.reason);
        this.pump();
      };
      const waiter: Waiter = {
        modelId,
        path: file.path,
        resolve,
        reject,
        detach: () => signal.removeEventListener("abort", onAbort),
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** Serve the queue's head while it can be served, in order. */
  private pump(): void {
    while (!this.switching && this.queue.length > 0) {
      const head = this.queue[0]!;
      if (this.loaded?.id === head.modelId) {
        if (this.active >= this.parallel) return;
        this.queue.shift();
        head.detach();
        head.resolve(this.grant(this.loaded));
        continue;
      }
      if (this.active > 0) return;
      this.switching = true;
      void this.switchTo(head.modelId, head.path).finally(() => {
        this.switching = false;
        this.pump();
      });
      return;
    }
  }

  private async switchTo(modelId: string, path: string): Promise<void> {
    const previous = this.loaded;
    this.loaded = null;
    if (previous) await previous.dispose().catch((err) => log.warn("unloading a model failed", { model: previous.id, error: String(err) }));
    try {
      const llama = await getLlamaRuntime();
      this.loaded = await LoadedModel.load(llama, { id: modelId, path, threads: this.threads, parallel: this.parallel, contextSize: this.contextSize });
      log.info("embedded engine loaded a model", { model: modelId, contextSize: this.loaded.contextSize, parallel: this.parallel });
    } catch (err) {
      log.error("embedded engine could not load a model", { model: modelId, error: err instanceof Error ? err.message : String(err) });
      const failure = new EngineError(500, `Model '${modelId}' could not be loaded by the embedded engine`, "model_load_failed");
      for (const w of this.queue.filter((q) => q.modelId === modelId)) {
        this.queue.splice(this.queue.indexOf(w), 1);
        w.detach();
        w.reject(failure);
      }
    }
  }

  private grant(model: LoadedModel): Lease {
    this.active++;
    let seq: LlamaContextSequence | null = null;
    let meterAtStart = 0;
    let released = false;
    return {
      model,
      sequence: () => {
        if (released) throw new Error("lease already released");
        if (!seq) {
          seq = model.takeSequence();
          meterAtStart = seq.tokenMeter.usedOutputTokens;
        }
        return seq;
      },
      release: () => {
        if (released) return;
        released = true;
        if (seq) {
          this.generated += seq.tokenMeter.usedOutputTokens - meterAtStart;
          model.returnSequence(seq);
        }
        this.active--;
        this.pump();
      },
    };
  }

  /** Refuse new work, fail what waits, unload the model once the running requests are done. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.queue.splice(0)) {
      w.detach();
      w.reject(new EngineError(503, "The embedded engine is shutting down", "engine_closed"));
    }
    while (this.active > 0 || this.switching) await new Promise((r) => setTimeout(r, 10));
    const loaded = this.loaded;
    this.loaded = null;
    await loaded?.dispose();
  }
}

/*
 * The process's engine, on globalThis so the custom server and the Next.js
 * route bundles share one loaded model.
 */
const holder = globalThis as unknown as { __llmaasEngine?: EngineManager };

export function getEngine(): EngineManager {
  if (!holder.__llmaasEngine) {
    const e = env();
    holder.__llmaasEngine = new EngineManager({
      modelsDir: e.LLMAAS_MODELS_DIR,
      threads: e.LLMAAS_ENGINE_THREADS,
      parallel: e.LLMAAS_ENGINE_PARALLEL,
      contextSize: e.LLMAAS_ENGINE_CONTEXT,
    });
  }
  return holder.__llmaasEngine;
}

/** Unload the process's engine (shutdown, or a test changing its settings). */
export async function closeEngine(): Promise<void> {
  const engine = holder.__llmaasEngine;
  holder.__llmaasEngine = undefined;
  await engine?.close();
}
