import { cancelBatch, createBatch, getBatch, listBatches } from "../../batch/api";
import { readJsonBody } from "../body";
import type { Endpoint } from "../pipeline";
import { jsonResponse } from "../upstream";

/** /v1/batches: requests run in the background at batch prices (lib/batch works them). */
const ID = "([\\w-]+)";

export const createBatchEndpoint: Endpoint = {
  name: "batches.create",
  method: "POST",
  path: "/v1/batches",
  idPrefix: "req",
  async handle(ctx, gw) {
    const body = await readJsonBody(ctx.request, gw.options.maxBodyBytes);
    return jsonResponse(await createBatch({ accountId: ctx.key!.accountId, keyId: ctx.key!.id, body }));
  },
};

export const listBatchesEndpoint: Endpoint = {
  name: "batches.list",
  method: "GET",
  path: "/v1/batches",
  idPrefix: "req",
  handle: async (ctx) => jsonResponse(await listBatches({ accountId: ctx.key!.accountId, query: new URL(ctx.request.url).searchParams })),
};

export const retrieveBatchEndpoint: Endpoint = {
  name: "batches.retrieve",
  method: "GET",
  path: new RegExp(`^/v1/batches/${ID}$`),
  idPrefix: "req",
  handle: async (ctx, _gw, m) => jsonResponse(await getBatch({ accountId: ctx.key!.accountId, id: m![1]! })),
};

export const cancelBatchEndpoint: Endpoint = {
  name: "batches.cancel",
  method: "POST",
  path: new RegExp(`^/v1/batches/${ID}/cancel$`),
  idPrefix: "req",
  handle: async (ctx, _gw, m) => jsonResponse(await cancelBatch({ accountId: ctx.key!.accountId, id: m![1]! })),
};

export const BATCH_ENDPOINTS = [createBatchEndpoint, listBatchesEndpoint, retrieveBatchEndpoint, cancelBatchEndpoint];
