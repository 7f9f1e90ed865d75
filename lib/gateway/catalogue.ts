import { listBackends, listModelsWithBackends } from "@/db/queries/backends";
import { readBackendKey } from "../backends/registry";
import type { Capability } from "../models/capabilities";
import type { Target } from "../backends/router";
import type { BackendConfig } from "../backends/types";
import { every } from "../every";

export interface CatalogueModel {
  id: string;
  aliases: string[];
  capabilities: Set<Capability>;
  maxModelLen: number;
  ownedBy: string;
  description: string;
  created: number;
  targets: Target[];
}

export interface CatalogueOptions {
  /** How often the catalogue is re-read, so changes made by other instances or the CLI arrive. */
  refreshMs?: number;
  /** An unknown name forces a re-read (so a model just added works at once), at most this often. */
  missRefreshMs?: number;
}

/**
 * The enabled models and the backends serving them, held in memory: no
 * database read on the request path.
 */
export class Catalogue {
  private byName = new Map<string, CatalogueModel>();
  private models: CatalogueModel[] = [];
  private backends = new Map<string, BackendConfig>();
  private loaded: Promise<void> | null = null;
  private lastLoad = 0;
  private stopTimer: (() => void) | undefined;
  private readonly refreshMs: number;
  private readonly missRefreshMs: number;

  constructor(options: CatalogueOptions = {}) {
    this.refreshMs = options.refreshMs ?? 5_000;
    this.missRefreshMs = options.missRefreshMs ?? 50;
  }

  private refreshing: Promise<void> | null = null;

  /** Re-read the catalogue; concurrent callers share one read. */
  refresh(): Promise<void> {
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** A read that starts after now (a change was just committed): waits out a read in flight, then reads again. */
  async reload(): Promise<void> {
    if (this.refreshing) await this.refreshing.catch(() => {});
    await this.refresh();
  }

  private async load(): Promise<void> {
    const [rows, all] = await Promise.all([listModelsWithBackends(), listBackends()]);
    const byName = new Map<string, CatalogueModel>();
    const models: CatalogueModel[] = [];
    const backends = new Map<string, BackendConfig>();
    // Every backend, serving a model or not yet, so its health is known before a model is put on it.
    for (const b of all) backends.set(b.id, { ...b, apiKey: readBackendKey(b.apiKey, b.name) });
    for (const { model, backends: stored } of rows) {
      const bs = stored.map(({ backend, upstreamId }) => {
        const known = backends.get(backend.id) ?? { ...backend, apiKey: readBackendKey(backend.apiKey, backend.name) };
        backends.set(backend.id, known);
        return { backend: known, upstreamId };
      });
      if (!model.enabled) continue;
      const m: CatalogueModel = {
        id: model.id,
        aliases: model.aliases,
        capabilities: new Set(model.capabilities as Capability[]),
        maxModelLen: model.maxModelLen,
        ownedBy: model.ownedBy,
        description: model.description,
        created: Math.floor(model.createdAt.getTime() / 1000),
        targets: bs.map(({ backend, upstreamId }) => ({ backend, upstreamId })),
      };
      models.push(m);
      byName.set(m.id, m);
    }
    // Aliases never shadow a real id.
    for (const m of models) for (const a of m.aliases) if (!byName.has(a)) byName.set(a, m);
    this.byName = byName;
    this.models = models;
    this.backends = backends;
    this.lastLoad = Date.now();
  }

  private ensureLoaded(): Promise<void> {
    this.loaded ??= this.refresh().catch((err) => {
      this.loaded = null;
      throw err;
    });
    return this.loaded;
  }

  async resolve(name: string): Promise<CatalogueModel | undefined> {
    await this.ensureLoaded();
    let m = this.byName.get(name);
    if (!m && Date.now() - this.lastLoad > this.missRefreshMs) {
      await this.refresh();
      m = this.byName.get(name);
    }
    return m;
  }

  async list(): Promise<CatalogueModel[]> {
    await this.ensureLoaded();
    return this.models;
  }

  /** Every registered backend, enabled or not, with its key readable. */
  backendList(): BackendConfig[] {
    return [...this.backends.values()];
  }

  start(): void {
    this.stop();
    this.stopTimer = every(this.refreshMs, () => this.refresh());
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }
}
