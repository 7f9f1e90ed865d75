import type { LanguageFn } from "highlight.js";
import { createLowlight } from "lowlight";

/*
 * Code highlighting in answers, one grammar at a time: each language's
 * grammar is its own chunk, fetched the first time an answer has a block in
 * it. Loading every grammar up front (highlight.js's "common" set) weighed
 * more than the rest of the chat page's JavaScript.
 */

type Loader = () => Promise<{ default: LanguageFn }>;

const GRAMMARS: Record<string, Loader> = {
  bash: () => import("highlight.js/lib/languages/bash"),
  c: () => import("highlight.js/lib/languages/c"),
  cpp: () => import("highlight.js/lib/languages/cpp"),
  csharp: () => import("highlight.js/lib/languages/csharp"),
  css: () => import("highlight.js/lib/languages/css"),
  diff: () => import("highlight.js/lib/languages/diff"),
  dockerfile: () => import("highlight.js/lib/languages/dockerfile"),
  go: () => import("highlight.js/lib/languages/go"),
  graphql: () => import("highlight.js/lib/languages/graphql"),
  ini: () => import("highlight.js/lib/languages/ini"),
  java: () => import("highlight.js/lib/languages/java"),
  javascript: () => import("highlight.js/lib/languages/javascript"),
  json: () => import("highlight.js/lib/languages/json"),
  kotlin: () => import("highlight.js/lib/languages/kotlin"),
  lua: () => import("highlight.js/lib/languages/lua"),
  makefile: () => import("highlight.js/lib/languages/makefile"),
  markdown: () => import("highlight.js/lib/languages/markdown"),
  perl: () => import("highlight.js/lib/languages/perl"),
  php: () => import("highlight.js/lib/languages/php"),
  powershell: () => import("highlight.js/lib/languages/powershell"),
  python: () => import("highlight.js/lib/languages/python"),
  r: () => import("highlight.js/lib/languages/r"),
  ruby: () => import("highlight.js/lib/languages/ruby"),
  rust: () => import("highlight.js/lib/languages/rust"),
  scala: () => import("highlight.js/lib/languages/scala"),
  sql: () => import("highlight.js/lib/languages/sql"),
  swift: () => import("highlight.js/lib/languages/swift"),
  typescript: () => import("highlight.js/lib/languages/typescript"),
  xml: () => import("highlight.js/lib/languages/xml"),
  yaml: () => import("highlight.js/lib/languages/yaml"),
};

/** The names models write after ``` for the same language. */
const ALIASES: Record<string, string> = {
  sh: "bash", shell: "bash", zsh: "bash", console: "bash",
  "c++": "cpp", cc: "cpp", h: "c", hpp: "cpp", cs: "csharp", "c#": "csharp",
  docker: "dockerfile", golang: "go", toml: "ini",
  js: "javascript", jsx: "javascript", mjs: "javascript", cjs: "javascript", node: "javascript",
  kt: "kotlin", make: "makefile", md: "markdown", pl: "perl", ps1: "powershell", ps: "powershell",
  py: "python", python3: "python", rb: "ruby", rs: "rust",
  ts: "typescript", tsx: "typescript", mts: "typescript",
  html: "xml", svg: "xml", xhtml: "xml", yml: "yaml", jsonc: "json", json5: "json",
};

export const lowlight = createLowlight();

/** The grammar a fence's language name stands for, or undefined when none is known. */
export function grammarName(language: string): string | undefined {
  const name = language.toLowerCase();
  const resolved = ALIASES[name] ?? name;
  return resolved in GRAMMARS ? resolved : undefined;
}

const loading = new Map<string, Promise<void>>();

/** Loads and registers a grammar once; resolves when it can be used. */
export function loadGrammar(name: string): Promise<void> {
  let pending = loading.get(name);
  if (!pending) {
    pending = GRAMMARS[name]!().then(({ default: grammar }) => lowlight.register(name, grammar));
    loading.set(name, pending);
  }
  return pending;
}
