import { createFile, deleteFile, fileContent, getFile, listFiles } from "../../batch/api";
import { dataEndpoint } from "../endpoint";

/** /v1/files: a batch's input is uploaded here, its output and error files are read here. */
const ID = "([\\w-]+)";

export const uploadFileEndpoint = dataEndpoint({
  name: "files.create",
  method: "POST",
  path: "/v1/files",
  idPrefix: "req",
  serve: ({ request, key, settings }) => createFile({ request, accountId: key.accountId, maxBytes: settings.maxFileBytes }),
});

export const listFilesEndpoint = dataEndpoint({
  name: "files.list",
  method: "GET",
  path: "/v1/files",
  idPrefix: "req",
  serve: ({ request, key }) => listFiles({ accountId: key.accountId, query: new URL(request.url).searchParams }),
});

export const retrieveFileEndpoint = dataEndpoint({
  name: "files.retrieve",
  method: "GET",
  path: new RegExp(`^/v1/files/${ID}$`),
  idPrefix: "req",
  serve: ({ key, params }) => getFile({ accountId: key.accountId, id: params[0]! }),
});

export const fileContentEndpoint = dataEndpoint({
  name: "files.content",
  method: "GET",
  path: new RegExp(`^/v1/files/${ID}/content$`),
  idPrefix: "req",
  serve: ({ key, params }) => fileContent({ accountId: key.accountId, id: params[0]! }),
});

export const deleteFileEndpoint = dataEndpoint({
  name: "files.delete",
  method: "DELETE",
  path: new RegExp(`^/v1/files/${ID}$`),
  idPrefix: "req",
  serve: ({ key, params }) => deleteFile({ accountId: key.accountId, id: params[0]! }),
});

export const FILE_ENDPOINTS = [uploadFileEndpoint, listFilesEndpoint, retrieveFileEndpoint, fileContentEndpoint, deleteFileEndpoint];
