import Link from "next/link";
import { Brand } from "@/components/ui/brand";

export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 px-4 text-center">
      <Brand />
      <div className="space-y-1">
        <h1 className="text-xl font-semibold tracking-tight">Page not found</h1>
        <p className="text-sm text-muted">There is nothing at this address.</p>
      </div>
      <Link href="/" data-testid="not-found-home" className="text-sm font-medium underline underline-offset-4">
        Back to the console
      </Link>
    </main>
  );
}
