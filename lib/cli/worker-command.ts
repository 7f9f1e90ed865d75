import { type Command, InvalidArgumentError } from "commander";
import { env } from "../env";
import { createGateway, startGateway } from "../gateway";

type Out = { out: (s: string) => void; err: (s: string) => void };

const concurrency = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new InvalidArgumentError("must be an integer from 1 to 1024");
  return n;
};

/**
 * `llmaas worker`: a process that works only the batch queue, beside or
 * instead of the servers' own background share. Stops on SIGTERM or SIGINT
 * once its lines in flight are stored; killed outright, its lines are
 * taken over by the other instances.
 */
export function addWorkerCommand(program: Command, io: Out) {
  program
    .command("worker")
    .description("Work the batch queue (/v1/batches) until stopped; run as many as you like, on any machine that reaches the database and file storage")
    .option("--concurrency <n>", "batch lines in flight at once (default: LLMAAS_BATCH_CONCURRENCY, or 4 when that is 0)", concurrency)
    .action(async (o: { concurrency?: number }) => {
      const runtime = startGateway(createGateway(), { batchConcurrency: o.concurrency ?? (env().LLMAAS_BATCH_CONCURRENCY || 4) });
      io.out(`batch worker ${runtime.batchWorker ? "started" : "not started"}; stop it with Ctrl-C or SIGTERM\n`);
      await new Promise<void>((resolve) => {
        process.once("SIGTERM", () => resolve());
        process.once("SIGINT", () => resolve());
      });
      io.out("batch worker stopping: storing the lines in flight\n");
      await runtime.stop();
      io.out("batch worker stopped\n");
    });
}
