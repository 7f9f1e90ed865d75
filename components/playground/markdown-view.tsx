"use client";

import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import { CopyButton } from "@/components/ui/copy-button";
import { HighlightedCode } from "./highlighted-code";

/** The text of a highlighted code element, whatever spans the highlighter wrapped it in. */
function textOf(node: unknown): string {
  if (typeof node === "string") return node;
  if (Array.isArray(node)) return node.map(textOf).join("");
  if (node && typeof node === "object" && "props" in node) return textOf((node as { props: { children?: unknown } }).props.children);
  return "";
}

const components: Components = {
  pre({ children }) {
    const code = textOf(children).replace(/\n$/, "");
    const lang = /language-([\w+#-]+)/.exec(
      String((children as { props?: { className?: string } } | undefined)?.props?.className ?? ""),
    )?.[1];
    return (
      <figure className="not-prose my-3 overflow-hidden rounded-md border bg-surface-sunken">
        <figcaption className="flex items-center justify-between border-b px-3 py-1 text-xs text-muted">
          <span>{lang ?? "code"}</span>
          <CopyButton text={code} what="code" testId="code-copy" />
        </figcaption>
        <pre tabIndex={0} role="region" aria-label={`${lang ?? "code"} block`} className="scroll-cue overflow-x-auto p-3 text-[13px] leading-relaxed focus-visible:-outline-offset-2">
          {children}
        </pre>
      </figure>
    );
  },
  code({ className, children }) {
    const language = /language-([\w+#-]+)/.exec(className ?? "")?.[1];
    if (language) return <HighlightedCode language={language} text={String(children ?? "")} />;
    return <code className="rounded bg-surface-sunken px-1 py-0.5 text-[0.9em]">{children}</code>;
  },
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noreferrer noopener" className="text-ring underline underline-offset-2">
      {children}
    </a>
  ),
  p: ({ children }) => <p className="my-2 first:mt-0 last:mb-0">{children}</p>,
  ul: ({ children }) => <ul className="my-2 list-disc space-y-1 pl-6">{children}</ul>,
  ol: ({ children }) => <ol className="my-2 list-decimal space-y-1 pl-6">{children}</ol>,
  h1: ({ children }) => <h1 className="mt-4 mb-2 text-xl font-semibold">{children}</h1>,
  h2: ({ children }) => <h2 className="mt-4 mb-2 text-lg font-semibold">{children}</h2>,
  h3: ({ children }) => <h3 className="mt-3 mb-1.5 font-semibold">{children}</h3>,
  blockquote: ({ children }) => <blockquote className="my-2 border-l-2 pl-3 text-muted">{children}</blockquote>,
  table: ({ children }) => (
    <div className="my-3 overflow-x-auto">
      <table className="w-full border-collapse text-sm">{children}</table>
    </div>
  ),
  th: ({ children }) => <th className="border px-2 py-1 text-left font-semibold">{children}</th>,
  td: ({ children }) => <td className="border px-2 py-1">{children}</td>,
  hr: () => <hr className="my-4" />,
};

/** GitHub-flavoured markdown; loaded on demand by markdown.tsx. */
export default function MarkdownView({ text }: { text: string }) {
  return (
    <ReactMarkdown remarkPlugins={[remarkGfm]} components={components}>
      {text}
    </ReactMarkdown>
  );
}
