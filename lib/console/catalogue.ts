import type { Capability } from "@/lib/models/capabilities";
import { PRICE_UNITS, type PriceUnit } from "@/lib/billing/prices";
import { getGatewayRuntime } from "@/lib/gateway";
import type { AuthenticatedKey } from "@/lib/keys/cache";

export interface ConsoleBackend {
  name: string;
  engine: string;
  machine: string;
  enabled: boolean;
  healthy: boolean;
  circuit: string;
  inFlight: number;
}

/** A model as the console's pages show it: plain data a client component can take as props. */
export interface ConsoleModel {
  id: string;
  aliases: string[];
  capabilities: Capability[];
  maxModelLen: number;
  ownedBy: string;
  description: string;
  /** Nano-euros per unit, as decimal strings (exact). */
  prices: Record<PriceUnit, string>;
  backends: ConsoleBackend[];
}

/**
 * The models this key may use, with their prices now and the health of their
 * backends, read from the gateway's own caches (no database read).
 */
export async function consoleModels(key: AuthenticatedKey): Promise<ConsoleModel[]> {
  const { catalogue, prices, router } = getGatewayRuntime().gateway.options;
  await prices?.ready();
  const allowed = key.allowedModels;
  const models = (await catalogue.list()).filter((m) => !allowed || allowed.includes(m.id) || m.aliases.some((a) => allowed.includes(a)));
  return models
    .map((m) => {
      const table = prices?.table(m.id);
      return {
        id: m.id,
        aliases: m.aliases,
        capabilities: [...m.capabilities],
        maxModelLen: m.maxModelLen,
        ownedBy: m.ownedBy,
        description: m.description,
        prices: Object.fromEntries(PRICE_UNITS.map((u) => [u, (table?.[u] ?? 0n).toString()])) as Record<PriceUnit, string>,
        backends: m.targets.map(({ backend }) => {
          const s = router.status(backend.id);
          return {
            name: backend.name,
            engine: backend.engine,
            machine: backend.machineName,
            enabled: backend.enabled,
            healthy: s.healthy,
            circuit: s.circuit,
            inFlight: s.inFlight,
          };
        }),
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}
