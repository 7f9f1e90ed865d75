import { cancelBatch, createBatch, getBatch, listBatches } from "../../batch/api";
import { dataEndpoint } from "../endpoint";

/** /v1/batches: requests run in the background at batch prices (lib/batch works them). */
const ID = "([\\w-]+)";

export const createBatchEndpoint = dataEndpoint({
  name: "batches.create",
  method: "POST",
  path: "/v1/batches",
  idPrefix: "req",
  serve: async ({ key, json }) => createBatch({ accountId: key.accountId, keyId: key.id, body: await json() }),
});

export const listBatchesEndpoint = dataEndpoint({
  name: "batches.list",
  method: "GET",
  path: "/v1/batches",
  idPrefix: "req",
  serve: ({ request, key }) => listBatches({ accountId: key.accountId, query: new URL(request.url).searchParams }),
});

export const retrieveBatchEndpoint = dataEndpoint({
  name: "batches.retrieve",
  method: "GET",
  path: new RegExp(`^/v1/batches/${ID}$`),
  idPrefix: "req",
  serve: ({ key, params }) => getBatch({ accountId: key.accountId, id: params[0]! }),
});

export const cancelBatchEndpoint = dataEndpoint({
  name: "batches.cancel",
  method: "POST",
  path: new RegExp(`^/v1/batches/${ID}/cancel$`),
  idPrefix: "req",
  serve: ({ key, params }) => cancelBatch({ accountId: key.accountId, id: params[0]! }),
});

export const BATCH_ENDPOINTS = [createBatchEndpoint, listBatchesEndpoint, retrieveBatchEndpoint, cancelBatchEndpoint];
