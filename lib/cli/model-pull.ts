import type { Command } from "commander";
import { registerEmbeddedModels } from "../engine/register";
import { env } from "../env";
import { type PullProgress, pullModel } from "../models/pull";
import { progressLine } from "../models/progress-text";

type Out = { out: (s: string) => void; err: (s: string) => void };

const BAR = 30;

/** A one-line bar redrawn in place on a terminal; on a pipe, a line every 10 %. */
function progressPrinter(io: Out, tty: boolean) {
  let lastTenth = -1;
  return (p: PullProgress) => {
    const fraction = p.total ? Math.min(1, p.received / p.total) : null;
    if (tty) {
      const filled = fraction === null ? 0 : Math.round(fraction * BAR);
      const bar = fraction === null ? "" : `[${"#".repeat(filled)}${"-".repeat(BAR - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
      io.err(`\r\x1b[2K${bar}${progressLine(p)}${p.resumed ? ` · resumed ${p.resumed}×` : ""}`);
      return;
    }
    const tenth = fraction === null ? -1 : Math.floor(fraction * 10);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      io.err(`${(fraction! * 100).toFixed(0)}% ${progressLine(p)}\n`);
    }
  };
}

export function addModelPullCommand(model: Command, io: Out) {
  model
    .command("pull")
    .description("Download a GGUF model from an HTTP(S) URL into the models folder; the embedded engine serves it at once")
    .argument("<url>", "direct link to a .gguf file (e.g. a model hub's download link)")
    .option("--sha256 <hex>", "expected SHA-256: the file is kept only if it matches")
    .option("--name <file.gguf>", "file name to save as (default: the URL's); the model id is the name without .gguf")
    .action(async (url: string, o: { sha256?: string; name?: string }) => {
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once("SIGINT", onSignal);
      const tty = Boolean(process.stderr.isTTY);
      try {
        const result = await pullModel({
          url,
          dir: env().LLMAAS_MODELS_DIR,
          name: o.name,
          sha256: o.sha256,
          signal: controller.signal,
          onProgress: progressPrinter(io, tty),
          // Interrupted from the keyboard: the same command later carries on from here.
          keepPartialOnAbort: true,
        });
        if (tty) io.err("\n");
        await registerEmbeddedModels();
        const id = result.name.replace(/\.gguf$/i, "");
        io.out(`saved ${result.name} (${result.bytes} bytes, sha256 ${result.sha256}); model '${id}' is served by the embedded engine\n`);
      } catch (err) {
        if (tty) io.err("\n");
        if (controller.signal.aborted) throw new Error("interrupted: run the same command again to resume");
        throw err;
      } finally {
        process.off("SIGINT", onSignal);
      }
    });
}
