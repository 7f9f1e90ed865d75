"use client";

import Form from "next/form";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { NewSecret } from "@/app/(console)/keys/actions";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageColumn, PageHeader } from "@/components/ui/page-header";
import { STATUS_LABELS } from "@/lib/keys/status";
import { CreateKeyDialog } from "./create-key-dialog";
import { KeysTable } from "./keys-table";
import { RevokeKeyDialog } from "./revoke-key-dialog";
import { RotateKeyDialog } from "./rotate-key-dialog";
import { SecretDialog, type ShownSecret } from "./secret-dialog";
import type { KeyView } from "./types";

const field = "h-9 rounded-md border border-field-border bg-field px-2 text-sm shadow-xs";

export function KeysView(props: {
  keys: KeyView[];
  next: string | null;
  tz: string;
  baseUrl: string;
  canCreate: boolean;
  seesAccount: boolean;
  selfId: string;
  query: { status: string; owner: string; q: string; after: string };
  owners: { id: string; label: string }[];
  models: string[];
}) {
  const { keys, query, seesAccount } = props;
  const router = useRouter();
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<KeyView | null>(null);
  const [revoking, setRevoking] = useState<KeyView | null>(null);
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const filtered = Boolean(query.status || query.owner || query.q);
  const reveal = (s: NewSecret, rotated: boolean) => {
    setCreating(false);
    setRotating(null);
    setShown({ name: s.name, secret: s.secret, previousExpiresAt: s.previousExpiresAt, rotated });
  };
  // Admins manage every key of the account; members their own; finance nothing.
  const canManage = (k: KeyView) => props.canCreate && (seesAccount || k.ownerId === props.selfId);

  return (
    <PageColumn wide>
      <PageHeader
        title="API keys"
        description={
          seesAccount
            ? "Every key of your account. Keys authenticate calls to the API; each one's usage and spend are booked to it."
            : "Your keys. They authenticate your calls to the API; each one's usage and spend are booked to it."
        }
        actions={
          props.canCreate ? (
            <Button onClick={() => setCreating(true)} data-testid="create-key">
              Create key
            </Button>
          ) : (
            <p className="text-sm text-muted" data-testid="keys-read-only">
              Finance users can read keys; an account admin creates them.
            </p>
          )
        }
      />

      <Form action="/keys" className="flex flex-wrap items-end gap-2" data-testid="keys-filters">
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Status
          <select name="status" defaultValue={query.status} className={field} data-testid="filter-status" onChange={(e) => e.currentTarget.form?.requestSubmit()}>
            <option value="">All</option>
            {Object.entries(STATUS_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        {seesAccount && (
          <label className="flex flex-col gap-1 text-xs font-medium text-muted">
            Owner
            <select name="owner" defaultValue={query.owner} className={`${field} max-w-56`} data-testid="filter-owner" onChange={(e) => e.currentTarget.form?.requestSubmit()}>
              <option value="">Everyone</option>
              {props.owners.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Name or prefix
          <input type="search" name="q" defaultValue={query.q} placeholder="Search" className={`${field} w-44`} data-testid="filter-search" />
        </label>
        <Button type="submit" variant="secondary">
          Filter
        </Button>
        {filtered && (
          <Link href="/keys" className="h-9 px-2 text-sm leading-9 text-muted underline-offset-2 hover:underline" data-testid="filters-clear">
            Clear filters
          </Link>
        )}
      </Form>

      {keys.length === 0 ? (
        filtered || query.after ? (
          <EmptyState title="No key matches these filters" testId="keys-empty-filtered" action={<Link href="/keys" className="text-sm underline">Show all keys</Link>} />
        ) : (
          <EmptyState
            title="No API keys yet"
            testId="keys-empty"
            action={
              props.canCreate && (
                <Button onClick={() => setCreating(true)} data-testid="create-first-key">
                  Create your first key
                </Button>
              )
            }
          >
            A key lets your code call the API with the openai SDKs, LangChain or curl at <code>{props.baseUrl}</code>.
          </EmptyState>
        )
      ) : (
        <KeysTable keys={keys} tz={props.tz} showOwner={seesAccount} canManage={canManage} onRotate={setRotating} onRevoke={setRevoking} />
      )}

      {(query.after || props.next) && (
        <nav className="flex justify-end gap-2" aria-label="Pages of keys">
          {query.after && (
            <Link className="text-sm underline" href={`/keys?${new URLSearchParams({ ...query, after: "" })}`} data-testid="keys-first-page">
              First page
            </Link>
          )}
          {props.next && (
            <Link className="text-sm underline" href={`/keys?${new URLSearchParams({ ...query, after: props.next })}`} data-testid="keys-next-page">
              Next page
            </Link>
          )}
        </nav>
      )}
      <p className="text-xs text-muted">Times in {props.tz}. Last used is updated at most once a minute.</p>

      <CreateKeyDialog open={creating} onClose={() => setCreating(false)} onCreated={(s) => reveal(s, false)} models={props.models} />
      <RotateKeyDialog target={rotating} onClose={() => setRotating(null)} onRotated={(s) => reveal(s, true)} tz={props.tz} />
      <RevokeKeyDialog target={revoking} onClose={() => setRevoking(null)} />
      <SecretDialog
        shown={shown}
        onClose={() => {
          setShown(null);
          router.refresh();
        }}
        baseUrl={props.baseUrl}
        model={props.models[0] ?? "MODEL_ID"}
        tz={props.tz}
      />
    </PageColumn>
  );
}
