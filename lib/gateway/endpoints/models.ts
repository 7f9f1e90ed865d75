import { AppError } from "../../errors";
import { publicPrices } from "../../billing/prices";
import type { CatalogueModel } from "../catalogue";
import type { Gateway, Endpoint } from "../pipeline";
import type { RequestContext } from "../context";

function visible(ctx: RequestContext, m: CatalogueModel): boolean {
  const allowed = ctx.key?.allowedModels;
  return !allowed || allowed.includes(m.id) || m.aliases.some((a) => allowed.includes(a));
}

/** A model in the reference's shape, with capabilities and prices as extra fields. */
function describe(gw: Gateway, m: CatalogueModel) {
  const prices = gw.options.prices;
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

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });

export const listModelsEndpoint: Endpoint = {
  name: "models.list",
  method: "GET",
  path: "/v1/models",
  idPrefix: "req",
  async handle(ctx, gw) {
    await gw.options.prices?.ready();
    const models = (await gw.options.catalogue.list()).filter((m) => visible(ctx, m));
    return json({ object: "list", data: models.map((m) => describe(gw, m)) });
  },
};

export const retrieveModelEndpoint: Endpoint = {
  name: "models.retrieve",
  method: "GET",
  path: /^\/v1\/models\/(.+)$/,
  idPrefix: "req",
  async handle(ctx, gw, match) {
    await gw.options.prices?.ready();
    let name: string;
    try {
      name = decodeURIComponent(match![1]!);
    } catch {
      throw new AppError(400, "invalid_request_error", "The model id in the path is not valid percent-encoded UTF-8", "model", "invalid_model_id");
    }
    const m = await gw.options.catalogue.resolve(name);
    if (!m || !visible(ctx, m)) {
      throw new AppError(404, "invalid_request_error", `Model '${name}' does not exist`, "model", "model_not_found");
    }
    return json(describe(gw, m));
  },
};
