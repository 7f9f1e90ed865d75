import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { ModelCatalogue } from "@/components/catalogue/model-catalogue";
import { NoModels } from "@/components/console/no-models";
import { consoleModels } from "@/lib/console/catalogue";
import { consoleKeyFor } from "@/lib/keys/console";
import { requireSession } from "@/lib/session";

export const metadata: Metadata = { title: "Models" };

export default async function ModelsPage() {
  const { user } = await requireSession();
  const models = await consoleModels(await consoleKeyFor(user.id));
  return (
    <div className="mx-auto w-full max-w-6xl space-y-6 px-4 py-8 sm:px-6">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div className="space-y-1">
          <h1 className="text-2xl font-semibold tracking-tight">Models</h1>
          <p className="text-sm text-muted">What you can call, what it costs, and whether its backends are up right now.</p>
        </div>
        {user.superadmin && (
          <Link href="/models/add" className={buttonClasses("primary")} data-testid="add-model-link">
            Add a model
          </Link>
        )}
      </header>
      {models.length === 0 ? <NoModels capability="" isAdmin={user.role === "admin" || user.superadmin} canAddModels={user.superadmin} /> : <ModelCatalogue models={models} />}
    </div>
  );
}
