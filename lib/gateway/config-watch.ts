import { listConfigVersions } from "@/db/queries/config";
import { onConfigChange } from "../config-changes";
import { every } from "../every";

export type ConfigTopic = "tiers" | "accounts" | "catalogue" | "prices";
export type ConfigHandlers = Partial<Record<ConfigTopic, () => unknown>>;

/**
 * Re-read what another instance, the CLI or SQL changed: poll the topics'
 * versions (one small read) every `intervalMs`, and run the handler of each
 * topic whose version moved. A topic counts as seen only once its handler
 * succeeded, so a failed re-read is tried again at the next poll. Changes
 * made in this process are polled for at once (see configChanged).
 * `polled` is given every poll's versions and when the poll was sent (real
 * time), after the handlers ran: the limiter applies changes to limits there
 * and knows how recent its view of them is.
 */
export function watchConfig(handlers: ConfigHandlers, intervalMs = 250, polled?: (versions: Map<string, number>, sentAt: number) => unknown): () => void {
  const seen = new Map<string, number>();
  let chain: Promise<void> = Promise.resolve();
  let queued = 0;

  async function poll(): Promise<void> {
    const sentAt = Date.now();
    const rows = await listConfigVersions();
    const results = await Promise.allSettled(
      rows.map(async ({ topic, version }) => {
        if (seen.get(topic) === version) return;
        await handlers[topic as ConfigTopic]?.();
        seen.set(topic, version);
      }),
    );
    await polled?.(new Map(rows.map((r) => [r.topic, Number(r.version)])), sentAt);
    for (const r of results) if (r.status === "rejected") throw r.reason;
  }

  /** Polls run one after another; one waiting is enough, as it reads after everything before it. */
  function pollSoon(): Promise<void> {
    if (queued > 0) return chain;
    queued++;
    chain = chain.then(() => {
      queued--;
      return poll();
    }).catch(() => {});
    return chain;
  }

  const stopTimer = every(intervalMs, pollSoon);
  const stopListening = onConfigChange(pollSoon);
  void pollSoon();
  return () => {
    stopTimer();
    stopListening();
  };
}
