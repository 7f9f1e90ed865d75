import type { Metadata } from "next";
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
      <header className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Models</h1>
        <p className="text-sm text-muted">What you can call, what it costs, and whether its backends are up right now.</p>
      </header>
      {models.length === 0 ? <NoModels capability="" isAdmin={user.role === "admin" || user.superadmin} /> : <ModelCatalogue models={models} />}
    </div>
  );
}
