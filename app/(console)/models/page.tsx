import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { ModelCatalogue } from "@/components/catalogue/model-catalogue";
import { NoModels } from "@/components/console/no-models";
import { modelPath } from "@/components/platform/model-path";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { pageCaller } from "@/lib/console/caller";
import { consoleModels } from "@/lib/console/catalogue";
import { hiddenModelsAs } from "@/lib/console/model-admin";
import { consoleKeyFor } from "@/lib/keys/console";

export const metadata: Metadata = { title: "Models" };

export default async function ModelsPage() {
  const caller = await pageCaller();
  const [models, hidden] = await Promise.all([consoleKeyFor(caller.userId).then(consoleModels), caller.superadmin ? hiddenModelsAs(caller) : []]);
  return (
    <div className="mx-auto w-full max-w-6xl space-y-6 px-4 py-8 sm:px-6">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div className="space-y-1">
          <h1 className="text-2xl font-semibold tracking-tight">Models</h1>
          <p className="text-sm text-muted">What you can call, what it costs, and whether its backends are up right now.</p>
        </div>
        {caller.superadmin && (
          <Link href="/models/add" className={buttonClasses("primary")} data-testid="add-model-link">
            Add a model
          </Link>
        )}
      </header>
      {models.length === 0 ? (
        <NoModels capability="" isAdmin={caller.role === "admin" || caller.superadmin} canAddModels={caller.superadmin} />
      ) : (
        <ModelCatalogue models={models} />
      )}
      {hidden.length > 0 && (
        <Card data-testid="hidden-models">
          <CardTitle description="Neither listed nor usable by any key. Open one to show it again or change it.">Hidden models</CardTitle>
          <ul className="divide-y">
            {hidden.map((m) => (
              <li key={m.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <div className="min-w-0">
                  <Link href={modelPath(m.id)} className="font-medium break-all hover:underline" data-testid="hidden-model-link">
                    {m.id}
                  </Link>
                  {m.description && <p className="truncate text-xs text-muted">{m.description}</p>}
                </div>
                <Badge tone="warning">hidden</Badge>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </div>
  );
}
