import type { Tiktoken } from "js-tiktoken/lite";

/*
 * OpenAI's cl100k_base, the encoding clients such as LangChain's
 * OpenAIEmbeddings use to turn text into token ids before sending it. Its
 * ranks ship inside the package (nothing is downloaded); they take a few
 * hundred milliseconds to load, so they are loaded on first use.
 */

/** Ids 0…100276 (mergeable ranks, then the special tokens). */
export const CL100K_VOCABULARY = 100_277;

let loading: Promise<Tiktoken> | null = null;

export function cl100k(): Promise<Tiktoken> {
  loading ??= Promise.all([import("js-tiktoken/lite"), import("js-tiktoken/ranks/cl100k_base")]).then(
    ([{ Tiktoken }, ranks]) => new Tiktoken(ranks.default),
  );
  return loading;
}

/** The text a client tokenised with cl100k_base; ids must be checked against CL100K_VOCABULARY first. */
export async function decodeCl100k(ids: number[]): Promise<string> {
  return (await cl100k()).decode(ids);
}

/** Tokens of a text in cl100k_base, special-token strings counted as plain text. */
export async function countCl100k(text: string): Promise<number> {
  return (await cl100k()).encode(text, [], []).length;
}
