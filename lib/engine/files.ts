import fs from "node:fs/promises";
import path from "node:path";
import { loadBindings } from "./llama";

export interface ModelFile {
  /** The file name without .gguf: the model's id and its backend's upstream id. */
  id: string;
  path: string;
}

export interface ModelFileInfo {
  architecture: string | null;
  /** Tokens the model was trained for, when the file says. */
  contextLength: number | null;
  hasChatTemplate: boolean;
}

const GGUF = /\.gguf$/i;
/** A split model loads from its first part; the other parts are not models of their own. */
const LATER_PART = /-(\d{5})-of-\d{5}$/;

/** Names that stay inside the models folder: no separators, no leading dot. */
const isPlainName = (id: string) => id.length > 0 && !id.startsWith(".") && !/[/\\\0]/.test(id);

/** The GGUF models in a folder (symbolic links followed), sorted by id. */
export async function listModelFiles(dir: string): Promise<ModelFile[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const files: ModelFile[] = [];
  for (const name of names.sort()) {
    if (!GGUF.test(name)) continue;
    const id = name.replace(GGUF, "");
    const part = LATER_PART.exec(id);
    if (!isPlainName(id) || (part && part[1] !== "00001")) continue;
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => null);
    if (stat?.isFile()) files.push({ id, path: file });
  }
  return files;
}

/** The file of model `id`, or null when the folder has none by that name. */
export async function findModelFile(dir: string, id: string): Promise<ModelFile | null> {
  if (!isPlainName(id)) return null;
  for (const name of [`${id}.gguf`, `${id}.GGUF`]) {
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => null);
    if (stat?.isFile()) return { id, path: file };
  }
  return null;
}

/** What registration needs from a GGUF header, read without loading the weights. */
export async function readModelFileInfo(file: string): Promise<ModelFileInfo> {
  const { readGgufFileInfo } = await loadBindings();
  const info = await readGgufFileInfo(file, {
    sourceType: "filesystem",
    readTensorInfo: false,
    logWarnings: false,
    // The vocabulary is most of a header's size and none of what is needed here.
    ignoreKeys: ["tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type", "tokenizer.ggml.merges"],
  });
  const arch = (info.architectureMetadata ?? {}) as { context_length?: unknown };
  const metadata = info.metadata as { general?: { architecture?: string }; tokenizer?: { chat_template?: unknown } };
  const contextLength = Number(arch.context_length);
  return {
    architecture: metadata.general?.architecture ?? null,
    contextLength: Number.isInteger(contextLength) && contextLength > 0 ? contextLength : null,
    hasChatTemplate: typeof metadata.tokenizer?.chat_template === "string",
  };
}

/** The models folder can be read: the embedded backend's health. */
export async function checkModelsDir(dir: string): Promise<void> {
  await fs.access(dir, fs.constants.R_OK | fs.constants.X_OK);
  await fs.readdir(dir);
}
