import { AlertBanner } from "@/components/budget/alert-banner";
import { TopBar } from "@/components/console/top-bar";
import { requireSession } from "@/lib/session";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const { user } = await requireSession();
  return (
    <div className="flex min-h-dvh flex-col">
      <TopBar user={user} />
      <div className="xl:pl-52">
        <AlertBanner caller={{ userId: user.id, accountId: user.accountId, role: user.role, superadmin: user.superadmin }} />
      </div>
      {/* Pages set their own width: playgrounds use the whole window, reading pages a column. */}
      <main className="flex w-full min-w-0 flex-1 flex-col xl:pl-52">{children}</main>
    </div>
  );
}
