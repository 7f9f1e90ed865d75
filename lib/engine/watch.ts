import fs from "node:fs";
import { every } from "../every";
import { log } from "../log";
import { type SyncResult, registerEmbeddedModels } from "./register";

export interface WatchOptions {
  dir: string;
  /** Called after a look that added or removed models (the catalogue re-reads then). */
  onChange(result: SyncResult): Promise<void> | void;
  /** Quiet time after the last file event before the folder is looked at. */
  settleMs?: number;
  /** A full look this often anyway: some file systems (network mounts) send no events. */
  rescanMs?: number;
}

/**
 * Watch the models folder: a GGUF copied in becomes a model within seconds,
 * one removed stops being offered (requests already running on it finish: the
 * loaded weights stay mapped until they are done). Returns the stop function.
 */
export function watchModelsFolder({ dir, onChange, settleMs = 500, rescanMs = 10_000 }: WatchOptions): () => void {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;

  const look = async () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        const result = await registerEmbeddedModels({ modelsDir: dir, removeMissing: true });
        if (result.added.length + result.removed.length > 0) await onChange(result);
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void look().catch((err) => log.warn("looking at the models folder failed", { error: String(err) })), settleMs);
    timer.unref();
  };

  let watcher: fs.FSWatcher | null = null;
  try {
    watcher = fs.watch(dir, { persistent: false }, (_event, name) => {
      if (!name || /\.gguf$/i.test(name)) schedule();
    });
    watcher.on("error", (err) => log.warn("the models folder can no longer be watched", { error: String(err) }));
  } catch (err) {
    log.warn("the models folder cannot be watched; it is looked at every few seconds instead", { error: String(err) });
  }
  const stopRescan = every(rescanMs, look);
  return () => {
    clearTimeout(timer);
    stopRescan();
    watcher?.close();
  };
}
