"use client";

import { toJsxRuntime } from "hast-util-to-jsx-runtime";
import { useEffect, useState } from "react";
import { Fragment, jsx, jsxs } from "react/jsx-runtime";
import { grammarName, loadGrammar, lowlight } from "./highlight";

/** A fenced code block's text, highlighted once its language's grammar has arrived (plain until then). */
export function HighlightedCode({ language, text }: { language: string; text: string }) {
  const name = grammarName(language);
  const [ready, setReady] = useState(() => !!name && lowlight.registered(name));
  useEffect(() => {
    if (!name || ready) return;
    let live = true;
    loadGrammar(name).then(
      () => live && setReady(true),
      () => {}, // offline or a failed chunk: the code stays plain, which is still readable
    );
    return () => {
      live = false;
    };
  }, [name, ready]);
  if (!name || !ready) return <code className={`language-${language}`}>{text}</code>;
  const tree = lowlight.highlight(name, text);
  return <code className={`hljs language-${language}`}>{toJsxRuntime(tree, { Fragment, jsx, jsxs })}</code>;
}
