"use client";

import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import type { Role } from "@/lib/accounts";
import { NavLink } from "./nav-link";

const GROUPS = ["Explore", "Account", "Platform"] as const;

interface ConsolePage {
  href: string;
  label: string;
  testId: string;
  group: (typeof GROUPS)[number];
  /** Who sees the link; everyone when absent. */
  roles?: readonly Role[];
  /** Only platform superadmins see it. */
  superadmin?: boolean;
}

/** The console's pages, in menu order. A new page adds one line here. */
const pages: readonly ConsolePage[] = [
  { href: "/", label: "Overview", testId: "nav-overview", group: "Explore" },
  { href: "/chat", label: "Chat", testId: "nav-chat", group: "Explore" },
  { href: "/compare", label: "Compare", testId: "nav-compare", group: "Explore" },
  { href: "/transcribe", label: "Transcribe", testId: "nav-transcribe", group: "Explore" },
  { href: "/speech", label: "Speech", testId: "nav-speech", group: "Explore" },
  { href: "/embeddings", label: "Embeddings", testId: "nav-embeddings", group: "Explore" },
  { href: "/models", label: "Models", testId: "nav-models", group: "Explore" },
  { href: "/keys", label: "API keys", testId: "nav-keys", group: "Account" },
  { href: "/usage", label: "Usage", testId: "nav-usage", group: "Account" },
  { href: "/batches", label: "Batches", testId: "nav-batches", group: "Account" },
  { href: "/budget", label: "Budget & limits", testId: "nav-budget", group: "Account" },
  { href: "/finance", label: "Finance", testId: "nav-finance", group: "Account", roles: ["admin", "finance"] },
  { href: "/members", label: "Members", testId: "nav-members", group: "Account", roles: ["admin", "finance"] },
  { href: "/audit", label: "Audit log", testId: "nav-audit", group: "Account", roles: ["admin", "finance"] },
  { href: "/accounts", label: "Accounts", testId: "nav-accounts", group: "Platform", superadmin: true },
  { href: "/tiers", label: "Tiers", testId: "nav-tiers", group: "Platform", superadmin: true },
  { href: "/backends", label: "Backends", testId: "nav-backends", group: "Platform", superadmin: true },
  { href: "/prices", label: "Prices", testId: "nav-prices", group: "Platform", superadmin: true },
];

/**
 * The menu of console pages, in groups: a sidebar on wide screens; on smaller
 * ones a "Menu" button that opens them as a list, closed again by choosing a
 * page or Escape.
 */
export function ConsoleNav({ role, superadmin = false }: { role: Role; superadmin?: boolean }) {
  const visible = pages.filter((p) => (!p.roles || p.roles.includes(role)) && (!p.superadmin || superadmin));
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
        className="inline-flex h-9 items-center gap-2 rounded-md border border-field-border px-3 text-sm font-medium hover:bg-accent xl:hidden"
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4" fill="currentColor">
          <path d="M3 5h14v2H3zM3 9h14v2H3zM3 13h14v2H3z" />
        </svg>
        {current?.label ?? "Menu"}
      </button>
      <div
        id="console-menu"
        className={`${open ? "grid" : "hidden"} absolute inset-x-0 top-14 z-30 max-h-[calc(100dvh-3.5rem)] gap-4 overflow-y-auto border-b bg-surface p-3 shadow-md sm:grid-cols-2 xl:fixed xl:inset-x-auto xl:bottom-0 xl:left-0 xl:flex xl:w-52 xl:flex-col xl:border-r xl:border-b-0 xl:shadow-none`}
      >
        {GROUPS.map((group) => {
          const links = visible.filter((p) => p.group === group);
          if (links.length === 0) return null;
          return (
            <div key={group} className="space-y-1">
              <p className="px-3 text-xs font-semibold uppercase tracking-wide text-muted">{group}</p>
              <ul className="flex flex-col gap-0.5">
                {links.map((p) => (
                  <li key={p.href} className="flex flex-col">
                    <NavLink href={p.href} testId={p.testId}>
                      {p.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </div>
    </nav>
  );
}
