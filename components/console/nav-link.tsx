"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function NavLink({ href, testId, children }: { href: string; testId: string; children: React.ReactNode }) {
  const pathname = usePathname();
  const current = href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
  return (
    <Link
      href={href}
      data-testid={testId}
      aria-current={current ? "page" : undefined}
      className="rounded-md px-3 py-1.5 text-sm text-muted hover:bg-accent hover:text-foreground aria-[current=page]:bg-accent aria-[current=page]:font-medium aria-[current=page]:text-foreground"
    >
      {children}
    </Link>
  );
}
