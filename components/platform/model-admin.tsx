import { Card, CardTitle } from "@/components/ui/card";
import type { modelAdminAs } from "@/lib/console/model-admin";
import type { PriceRowView } from "@/lib/console/prices";
import { ModelBackends } from "./model-backends";
import { ModelSettingsForm } from "./model-settings-form";
import { PriceForm } from "./price-form";
import { PriceHistory } from "./price-history";

type Admin = NonNullable<Awaited<ReturnType<typeof modelAdminAs>>>;

/** The part of a model's page only platform administrators see: its settings, its backends and its own prices. */
export function ModelAdmin({ admin, prices, tz }: { admin: Admin; prices: PriceRowView[]; tz: string }) {
  const m = admin.model;
  return (
    <section className="space-y-6" aria-labelledby="model-admin-title" data-testid="model-admin">
      <header className="space-y-1 border-t pt-6">
        <h2 id="model-admin-title" className="text-lg font-semibold">
          Administration
        </h2>
        <p className="text-sm text-muted">Only platform administrators see this part. Every change is in the audit log and reaches every instance within a second.</p>
      </header>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardTitle>Settings</CardTitle>
          <ModelSettingsForm
            model={{ id: m.id, description: m.description, capabilities: m.capabilities, aliases: m.aliases, maxModelLen: m.maxModelLen, ownedBy: m.ownedBy, visible: m.enabled }}
          />
        </Card>
        <Card>
          <CardTitle description="Requests go to the least busy healthy one; the name on each is the one that engine knows the model by.">Served by</CardTitle>
          <ModelBackends modelId={m.id} links={m.backends.map((b) => ({ id: b.id, name: b.name, engine: b.engine, enabled: b.enabled, upstreamId: b.upstreamId }))} backends={admin.backends} />
        </Card>
      </div>
      <Card>
        <CardTitle description="A price of its own for a unit replaces the platform's for this model, for requests that start from its time on.">Its own prices</CardTitle>
        <div className="space-y-6">
          <PriceForm model={m.id} tz={tz} />
          <PriceHistory
            rows={prices}
            tz={tz}
            showModel={false}
            label={`Prices of ${m.id}`}
            empty={{ title: "No price of its own", text: "It is billed at the platform's prices. Add one above to charge it differently." }}
          />
        </div>
      </Card>
    </section>
  );
}
