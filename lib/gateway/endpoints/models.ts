import { AppError } from "../../errors";
import { publicPrices } from "../../billing/prices";
import type { AuthenticatedKey } from "../../keys/cache";
import type { CatalogueModel } from "../catalogue";
import { type GatewaySettings, dataEndpoint } from "../endpoint";

function visible(key: AuthenticatedKey, m: CatalogueModel): boolean {
  const allowed = key.allowedModels;
  return !allowed || allowed.includes(m.id) || m.aliases.some((a) => allowed.includes(a));
}

/** A model in the reference's shape, with capabilities and prices as extra fields. */
function describe(settings: GatewaySettings, m: CatalogueModel) {
  const prices = settings.prices;
  return {
    id: m.id,
    object: "model",
    created: m.created,
    owned_by: m.ownedBy,
    root: m.id,
    aliases: [m.id, ...m.aliases],
    parent: null,
    max_model_len: m.maxModelLen,
    permission: [
      {
        id: `modelperm-${m.id}-${m.created}`,
        object: "model_permission",
        created: m.created,
        allow_create_engine: false,
        allow_sampling: true,
        allow_logprobs: true,
        allow_search_indices: false,
        allow_view: true,
        allow_fine_tuning: false,
        organization: "*",
        group: null,
        is_blocking: false,
      },
    ],
    capabilities: [...m.capabilities],
    description: m.description,
    ...(prices ? { pricing: publicPrices(prices.table(m.id)) } : {}),
  };
}

export const listModelsEndpoint = dataEndpoint({
  name: "models.list",
  method: "GET",
  path: "/v1/models",
  idPrefix: "req",
  async serve({ key, settings }) {
    await settings.prices?.ready();
    const models = (await settings.catalogue.list()).filter((m) => visible(key, m));
    return { object: "list", data: models.map((m) => describe(settings, m)) };
  },
});

export const retrieveModelEndpoint = dataEndpoint({
  name: "models.retrieve",
  method: "GET",
  path: /^\/v1\/models\/(.+)$/,
  idPrefix: "req",
  async serve({ key, params, settings }) {
    await settings.prices?.ready();
    let name: string;
    try {
      name = decodeURIComponent(params[0]!);
    } catch {
      throw new AppError(400, "invalid_request_error", "The model id in the path is not valid percent-encoded UTF-8", "model", "invalid_model_id");
    }
    const m = await settings.catalogue.resolve(name);
    if (!m || !visible(key, m)) {
      throw new AppError(404, "invalid_request_error", `Model '${name}' does not exist`, "model", "model_not_found");
    }
    return describe(settings, m);
  },
});
