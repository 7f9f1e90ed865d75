import Link from "next/link";
import type { Session } from "next-auth";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { Brand } from "@/components/ui/brand";
import { ConsoleNav } from "./console-nav";

export function TopBar({ user }: { user: Session["user"] }) {
  return (
    <header className="relative border-b bg-surface">
      <div className="flex h-14 items-center gap-3 px-4 sm:gap-6 sm:px-6">
        <Link href="/" data-testid="brand-link" aria-label="llmaas overview" className="flex shrink-0 items-center">
          <Brand />
        </Link>
        <div className="min-w-0 flex-1">
          <ConsoleNav role={user.role} superadmin={user.superadmin} />
        </div>
        <div className="ml-auto flex shrink-0 items-center gap-3">
          <span className="hidden text-sm text-muted xl:inline" data-testid="top-bar-email">
            {user.email}
          </span>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
