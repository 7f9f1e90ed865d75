import type { Metadata } from "next";
import { headers } from "next/headers";
import { KeysView } from "@/components/keys/keys-view";
import { listUsersOfAccount } from "@/db/queries/users";
import { findAccountById } from "@/db/queries/accounts";
import { managesOwnKeys, readsAccount } from "@/lib/console/authz";
import { pageCaller } from "@/lib/console/caller";
import { type KeyListQuery, listKeysAs } from "@/lib/console/keys";
import { consoleModels } from "@/lib/console/catalogue";
import { consoleKeyFor } from "@/lib/keys/console";
import { env } from "@/lib/env";
import { publicUrl } from "@/lib/public-url";

export const metadata: Metadata = { title: "API keys" };

export default async function KeysPage({ searchParams }: { searchParams: Promise<KeyListQuery> }) {
  const caller = await pageCaller();
  const query = await searchParams;
  const [{ keys, next }, found, requestHeaders, consoleKey] = await Promise.all([
    listKeysAs(caller, query),
    findAccountById({ id: caller.accountId }),
    headers(),
    consoleKeyFor(caller.userId),
  ]);
  const [owners, models] = await Promise.all([
    readsAccount(caller) ? listUsersOfAccount({ accountId: caller.accountId }) : Promise.resolve([]),
    consoleModels(consoleKey),
  ]);
  const tz = found?.account.timezone ?? env().LLMAAS_TIMEZONE;
  return (
    <KeysView
      tz={tz}
      baseUrl={`${publicUrl(requestHeaders)}/v1`}
      canCreate={managesOwnKeys(caller)}
      seesAccount={readsAccount(caller)}
      selfId={caller.userId}
      query={{ status: query.status ?? "", owner: query.owner ?? "", q: query.q ?? "", after: query.after ?? "" }}
      next={next}
      owners={owners.map((o) => ({ id: o.id, label: o.name ? `${o.name} (${o.email})` : o.email }))}
      models={models.map((m) => m.id)}
      keys={keys.map((k) => ({
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        ownerId: k.userId,
        owner: k.ownerName || k.email,
        createdAt: k.createdAt.toISOString(),
        lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
        expiresAt: k.expiresAt?.toISOString() ?? null,
        previousPrefix: k.previousPrefix,
        previousExpiresAt: k.previousExpiresAt?.toISOString() ?? null,
        status: k.status,
        spendMonthNanos: k.spendMonthNanos.toString(),
        allowedModels: k.allowedModels,
        monthlyBudgetNanos: k.monthlyBudgetNanos?.toString() ?? null,
        outputTokensPerHour: k.outputTokensPerHour,
        outputTokensPerDay: k.outputTokensPerDay,
      }))}
    />
  );
}
