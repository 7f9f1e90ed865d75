import { readConfigVersion } from "@/db/queries/config";
import { countInstancesBehind } from "@/db/queries/limits";
import { configChanged } from "../config-changes";
import { log } from "../log";
import { LEASES } from "./leases";

/*
 * A change to limits (an account's budget or tier, a tier's limits, a key's
 * own limits) is exact from the moment its save returns:
 *
 * - In the database, at once: the change raises the versions of the
 *   account's (or the tier's) limits in its own transaction, and every lease
 *   grant and reservation carries the versions its instance read the limits
 *   under and is refused when they are stale (drizzle/0018_limit_versions.sql).
 *   Grants and reservations are serialised with the change, so each is checked
 *   wholly before it or wholly after it, against the new limits.
 * - In memory, before the save returns: what instances still hold in leases
 *   taken before the change must not be drawn on afterwards. Every instance
 *   polls the 'limits' topic (every 250 ms); when it moves, it closes the
 *   leases of the accounts whose limits changed, gives them back at once, and
 *   writes the version it has applied (gateway_instances.limits_seen). The
 *   save waits until every live instance has, or until LEASES.viewMs (plus a
 *   margin) has passed since the change: an instance draws on leases only
 *   while the last poll it applied was sent less than LEASES.viewMs ago, so
 *   one that has not seen the change by then has stopped drawing by itself.
 *   Its leases stay counted (reserved) until it gives them back or is
 *   reclaimed: room held, never room overspent.
 *
 * So once the save has returned, a request admitted anywhere, against a lease
 * or in the database, can take a limit's counter (used + reserved) above the
 * new limit only by what was already used or reserved when the change was
 * committed: nothing more.
 */

/** Instances that beat this recently are waited for; the others no longer draw on leases (they need a heartbeat under 10 s old), even with clocks 20 s apart. */
const LIVE_MS = 30_000;

/** The longest a save waits: an instance that has not applied the change by then has stopped drawing on leases. */
export const APPLY_WAIT_MS = LEASES.viewMs + 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Call once a change to limits has committed: returns when every live
 * instance has applied it (`applied`), or when those that have not can no
 * longer draw on leases taken before it (at most APPLY_WAIT_MS).
 */
export async function limitsApplied(): Promise<{ applied: boolean; waitedMs: number; behind: number }> {
  const started = Date.now();
  // This process's gateway, if it serves, applies the change now.
  await configChanged();
  const version = await readConfigVersion("limits");
  for (let wait = 10; ; wait = Math.min(wait * 2, 50)) {
    const behind = await countInstancesBehind({ version, liveMs: LIVE_MS });
    const waitedMs = Date.now() - started;
    if (behind === 0) return { applied: true, waitedMs, behind };
    if (waitedMs >= APPLY_WAIT_MS) {
      // Safe all the same (they no longer draw on leases); worth knowing: their polls are slow or failing.
      log.warn("instances did not acknowledge a change to limits in time", { behind, waitedMs, version });
      return { applied: false, waitedMs, behind };
    }
    await sleep(Math.min(wait, APPLY_WAIT_MS - waitedMs));
  }
}
