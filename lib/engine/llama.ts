import type * as NodeLlamaCpp from "node-llama-cpp";
import type { Llama } from "node-llama-cpp";
import { log } from "../log";

export type Bindings = typeof NodeLlamaCpp;

let bindings: Promise<Bindings> | null = null;

/**
 * node-llama-cpp, imported at run time only: the route bundles Next.js builds
 * reach this module through the backend router, and bundling the library would
 * drag its native addon and its CLI into them.
 */
export function loadBindings(): Promise<Bindings> {
  bindings ??= import(/* webpackIgnore: true */ /* turbopackIgnore: true */ "node-llama-cpp");
  return bindings;
}

let llama: Promise<Llama> | null = null;

/**
 * The process's llama.cpp runtime. Prebuilt CPU binaries only: a server must
 * never compile llama.cpp or download a build while it answers requests, and
 * the machines it runs on may have no GPU and no internet.
 */
export function getLlamaRuntime(): Promise<Llama> {
  llama ??= loadBindings()
    .then(({ getLlama, LlamaLogLevel }) =>
      getLlama({
        gpu: false,
        build: "never",
        usePrebuiltBinaries: true,
        skipDownload: true,
        progressLogs: false,
        logLevel: LlamaLogLevel.warn,
        logger: (level, message) => {
          const text = message.trim();
          if (!text) return;
          if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) log.error("llama.cpp", { message: text });
          else log.debug("llama.cpp", { level, message: text });
        },
      }),
    )
    .catch((err: unknown) => {
      llama = null;
      throw err;
    });
  return llama;
}
