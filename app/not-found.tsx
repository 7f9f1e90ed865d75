import Link from "next/link";
import { TopBar } from "@/components/console/top-bar";
import { Brand } from "@/components/ui/brand";
import { currentSession } from "@/lib/session";

function Message({ signedIn }: { signedIn: boolean }) {
  return (
    <div className="flex flex-col items-center gap-4 text-center" data-testid="not-found">
      <p className="text-5xl font-semibold tracking-tight text-muted">404</p>
      <div className="space-y-1">
        <h1 className="text-xl font-semibold tracking-tight">Page not found</h1>
        <p className="text-sm text-muted">There is nothing at this address{signedIn ? ", or it is not yours to see" : ""}.</p>
      </div>
      <Link href="/" data-testid="not-found-home" className="text-sm font-medium underline underline-offset-4">
        Back to the overview
      </Link>
    </div>
  );
}

/** Signed in, a wrong address keeps the console's navigation around it; signed out, just the message. */
export default async function NotFound() {
  const session = await currentSession().catch(() => null);
  if (session?.user) {
    return (
      <div className="flex min-h-dvh flex-col">
        <TopBar user={session.user} />
        <main className="flex flex-1 items-center justify-center px-4 py-16 xl:pl-52">
          <Message signedIn />
        </main>
      </div>
    );
  }
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 px-4">
      <Brand />
      <Message signedIn={false} />
    </main>
  );
}
