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

export function ConsoleNav({ role }: { role: Role }) {
  const visible = pages.filter((p) => !p.roles || p.roles.includes(role));
  return (
    <nav aria-label="Console">
      <ul className="flex items-center gap-1 overflow-x-auto">
        {visible.map((p) => (
          <li key={p.href}>
            <NavLink href={p.href} testId={p.testId}>
              {p.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
