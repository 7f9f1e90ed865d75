import Link from "next/link";
import { backendState } from "@/components/catalogue/backend-health";
import { Card } from "@/components/ui/card";
import type { ConsoleModel } from "@/lib/console/catalogue";

/** How many models the viewer can call, and how many of their backends answer right now. */
export function ModelsTile({ models }: { models: ConsoleModel[] }) {
  const backends = new Map(models.flatMap((m) => m.backends).map((b) => [b.name, b]));
  const healthy = [...backends.values()].filter((b) => backendState(b).tone === "ok").length;
  return (
    <Card data-testid="models-tile">
      <p className="text-xs font-medium text-muted">Models you can use</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid="models-count">
        {models.length}
      </p>
      <p className="mt-2 text-xs text-muted" data-testid="backends-health">
        {backends.size === 0 ? "No backend yet" : `${healthy} of ${backends.size} backend${backends.size === 1 ? "" : "s"} healthy`} ·{" "}
        <Link href="/models" className="underline-offset-2 hover:underline">
          catalogue
        </Link>
      </p>
    </Card>
  );
}
