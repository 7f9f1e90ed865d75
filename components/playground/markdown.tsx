"use client";

import { Suspense, lazy, memo } from "react";

/*
 * The markdown renderer is its own chunk, fetched when the first answer is
 * shown rather than with the page; until it arrives the answer shows as
 * plain text in the same box.
 */
const MarkdownView = lazy(() => import("./markdown-view"));

/** An answer rendered as GitHub-flavoured markdown, code highlighted, each code block with a copy button. */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="text-sm leading-relaxed break-words">
      <Suspense fallback={<p className="whitespace-pre-wrap">{text}</p>}>
        <MarkdownView text={text} />
      </Suspense>
    </div>
  );
});
