"use client";

import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import type { Role } from "@/lib/accounts";
import { NavLink } from "./nav-link";

interface ConsolePage {
  href: string;
  label: string;
  testId: string;
  /** Who sees the link; everyone when absent. */
  roles?: readonly Role[];
}

/** The console's pages, in menu order. A new page adds one line here. */
const pages: readonly ConsolePage[] = [
  { href: "/", label: "Overview", testId: "nav-overview" },
  { href: "/chat", label: "Chat", testId: "nav-chat" },
  { href: "/compare", label: "Compare", testId: "nav-compare" },
  { href: "/transcribe", label: "Transcribe", testId: "nav-transcribe" },
  { href: "/speech", label: "Speech", testId: "nav-speech" },
  { href: "/embeddings", label: "Embeddings", testId: "nav-embeddings" },
  { href: "/models", label: "Models", testId: "nav-models" },
];

/**
 * The menu of console pages: a row of links on wide screens; on a phone one
 * "Menu" button that opens them as a list, closed again by choosing a page or Escape.
 */
export function ConsoleNav({ role }: { role: Role }) {
  const visible = pages.filter((p) => !p.roles || p.roles.includes(role));
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const current = visible.find((p) => (p.href === "/" ? pathname === "/" : pathname === p.href || pathname.startsWith(`${p.href}/`)));

  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <nav aria-label="Console">
      <button
        type="button"
        aria-expanded={open}
        aria-controls="console-menu"
        onClick={() => setOpen((o) => !o)}
        data-testid="nav-menu-button"
        className="inline-flex h-9 items-center gap-2 rounded-md border border-field-border px-3 text-sm font-medium hover:bg-accent md:hidden"
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4" fill="currentColor">
          <path d="M3 5h14v2H3zM3 9h14v2H3zM3 13h14v2H3z" />
        </svg>
        {current?.label ?? "Menu"}
      </button>
      <ul
        id="console-menu"
        className={`${open ? "flex" : "hidden"} absolute inset-x-0 top-14 z-30 flex-col gap-1 border-b bg-surface p-2 shadow-md md:static md:flex md:flex-row md:items-center md:border-0 md:bg-transparent md:p-0 md:shadow-none`}
      >
        {visible.map((p) => (
          <li key={p.href} className="flex flex-col md:block">
            <NavLink href={p.href} testId={p.testId}>
              {p.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
