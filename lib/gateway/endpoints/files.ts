import { createFile, deleteFile, fileContent, getFile, listFiles } from "../../batch/api";
import type { Endpoint } from "../pipeline";
import { jsonResponse } from "../upstream";

/** /v1/files: a batch's input is uploaded here, its output and error files are read here. */
const ID = "([\\w-]+)";

export const uploadFileEndpoint: Endpoint = {
  name: "files.create",
  method: "POST",
  path: "/v1/files",
  idPrefix: "req",
  handle: async (ctx, gw) => jsonResponse(await createFile({ request: ctx.request, accountId: ctx.key!.accountId, maxBytes: gw.options.maxFileBytes })),
};

export const listFilesEndpoint: Endpoint = {
  name: "files.list",
  method: "GET",
  path: "/v1/files",
  idPrefix: "req",
  handle: async (ctx) => jsonResponse(await listFiles({ accountId: ctx.key!.accountId, query: new URL(ctx.request.url).searchParams })),
};

export const retrieveFileEndpoint: Endpoint = {
  name: "files.retrieve",
  method: "GET",
  path: new RegExp(`^/v1/files/${ID}$`),
  idPrefix: "req",
  handle: async (ctx, _gw, m) => jsonResponse(await getFile({ accountId: ctx.key!.accountId, id: m![1]! })),
};

export const fileContentEndpoint: Endpoint = {
  name: "files.content",
  method: "GET",
  path: new RegExp(`^/v1/files/${ID}/content$`),
  idPrefix: "req",
  handle: (ctx, _gw, m) => fileContent({ accountId: ctx.key!.accountId, id: m![1]! }),
};

export const deleteFileEndpoint: Endpoint = {
  name: "files.delete",
  method: "DELETE",
  path: new RegExp(`^/v1/files/${ID}$`),
  idPrefix: "req",
  handle: async (ctx, _gw, m) => jsonResponse(await deleteFile({ accountId: ctx.key!.accountId, id: m![1]! })),
};

export const FILE_ENDPOINTS = [uploadFileEndpoint, listFilesEndpoint, retrieveFileEndpoint, fileContentEndpoint, deleteFileEndpoint];
