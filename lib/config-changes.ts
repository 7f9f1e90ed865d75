/*
 * A change to the platform's configuration (tiers, the catalogue, prices) is
 * noticed by every instance through the database (see watchConfig); the
 * instance that made it hears at once, so the very next request it serves
 * already follows it. Kept on globalThis: the custom server and the Next.js
 * bundles that run the console's actions share one process and one gateway.
 */
type Listener = () => Promise<void>;

const holder = globalThis as unknown as { __llmaasConfigListeners?: Set<Listener> };
const listeners = (holder.__llmaasConfigListeners ??= new Set());

export function onConfigChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tell this process's gateway that configuration changed; resolves once it has re-read what did. */
export async function configChanged(): Promise<void> {
  await Promise.allSettled([...listeners].map((l) => l()));
}
