import { AlertBanner } from "@/components/budget/alert-banner";
import { SuspendedBanner } from "@/components/console/suspended-banner";
import { TopBar } from "@/components/console/top-bar";
import { requireSession } from "@/lib/session";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const { user } = await requireSession();
  return (
    <div className="flex min-h-dvh flex-col">
      {/* The first stop of the keyboard: past the menu, straight to the page. */}
      <a
        href="#content"
        data-testid="skip-link"
        className="sr-only z-50 rounded-md bg-primary px-3 py-2 text-sm font-medium text-primary-foreground focus:not-sr-only focus:absolute focus:top-2 focus:left-2"
      >
        Skip to content
      </a>
      <TopBar user={user} />
      <div className="xl:pl-52">
        <SuspendedBanner accountId={user.accountId} />
        <AlertBanner caller={{ userId: user.id, accountId: user.accountId, role: user.role, superadmin: user.superadmin }} />
      </div>
      {/* Pages set their own width: playgrounds use the whole window, reading pages a column. */}
      <main id="content" tabIndex={-1} className="flex w-full min-w-0 flex-1 flex-col outline-none xl:pl-52">
        {children}
      </main>
    </div>
  );
}
