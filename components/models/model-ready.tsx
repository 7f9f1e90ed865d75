import Link from "next/link";
import { Alert } from "@/components/ui/alert";

/** What follows a model landing in the folder: the way to use it. */
export function ModelReady({ model, sha256, testId }: { model: string; sha256: string | null; testId: string }) {
  return (
    <Alert tone="notice" testId={testId}>
      <p>
        <code className="font-semibold">{model}</code> is in the catalogue and served by the built-in engine.{" "}
        <Link href={`/chat?model=${encodeURIComponent(model)}`} className="font-medium underline underline-offset-2" data-testid={`${testId}-chat`}>
          Chat with it
        </Link>
      </p>
      {sha256 && <p className="mt-1 break-all font-mono text-xs opacity-80">SHA-256 {sha256}</p>}
    </Alert>
  );
}
