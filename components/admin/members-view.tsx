"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { type Column, DataTable, KeysetPager, hrefWith } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { FilterSearch, FilterSelect, ListFilters } from "@/components/ui/list-filters";
import type { MemberView } from "@/lib/console/members";
import { formatDate } from "@/lib/format";
import { CreateMemberDialog, EnableDialog, ResetPasswordDialog, RoleDialog } from "./member-dialogs";

const ROLE_LABELS = { admin: "Admin", member: "Member", finance: "Finance" } as const;

function MemberStatus({ m }: { m: MemberView }) {
  if (m.disabledAt) return <Badge tone="neutral" testId="member-status">Disabled</Badge>;
  if (m.mustChangePassword) return <Badge tone="info" testId="member-status">Temporary password</Badge>;
  return <Badge tone="success" testId="member-status">Active</Badge>;
}

/**
 * An account's users, a page at a time, with what the caller may do to them:
 * add one, change a role, reset a password, disable or enable. The Members
 * page and the platform's account page both show it; the server decides
 * again whether each action is allowed.
 */
export function MembersView({
  path,
  account,
  members,
  next,
  query,
  canManage,
  selfId,
  tz,
}: {
  /** The page the list lives on, for its filters and pages. */
  path: string;
  account: { id: string; name: string };
  members: MemberView[];
  next: string | null;
  query: { q: string; role: string; status: string; sort: string; after: string };
  canManage: boolean;
  selfId: string;
  tz: string;
}) {
  const router = useRouter();
  const [creating, setCreating] = useState(false);
  const [roleOf, setRoleOf] = useState<MemberView | null>(null);
  const [resetting, setResetting] = useState<MemberView | null>(null);
  const [toggling, setToggling] = useState<MemberView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const filtered = Boolean(query.q || query.role || query.status);
  const base = { q: query.q, role: query.role, status: query.status, sort: query.sort === "email" ? "" : query.sort };
  const done = (message: string) => {
    setCreating(false);
    setRoleOf(null);
    setResetting(null);
    setToggling(null);
    setNotice(message);
    router.refresh();
  };

  const columns: Column<MemberView>[] = [
    {
      id: "email",
      header: "User",
      sort: "email",
      cell: (m) => (
        <div className="min-w-0">
          <div className="truncate font-medium" title={m.email}>
            {m.email}
          </div>
          {m.name && <div className="truncate text-xs font-normal text-muted">{m.name}</div>}
        </div>
      ),
      className: "max-w-72",
    },
    {
      id: "role",
      header: "Role",
      cell: (m) => (
        <span data-testid="member-role-label">
          {ROLE_LABELS[m.role]}
          {m.superadmin && <span className="text-muted"> · platform admin</span>}
        </span>
      ),
    },
    { id: "status", header: "Status", cell: (m) => <MemberStatus m={m} /> },
    { id: "created", header: "Added", cell: (m) => formatDate(m.createdAt, tz), className: "whitespace-nowrap" },
  ];

  const actions = (m: MemberView) =>
    m.id === selfId ? (
      <span className="px-2 text-xs leading-8 text-muted">You</span>
    ) : (
      <>
        <Button variant="ghost" className="h-8 px-2" onClick={() => setRoleOf(m)} data-testid="member-change-role" aria-label={`Change the role of ${m.email}`}>
          Change role
        </Button>
        <Button variant="ghost" className="h-8 px-2" onClick={() => setResetting(m)} data-testid="member-reset-password" aria-label={`Reset the password of ${m.email}`}>
          Reset password
        </Button>
        <Button
          variant={m.disabledAt ? "ghost" : "ghost-danger"}
          className="h-8 px-2"
          onClick={() => setToggling(m)}
          data-testid="member-toggle"
          aria-label={`${m.disabledAt ? "Enable" : "Disable"} ${m.email}`}
        >
          {m.disabledAt ? "Enable" : "Disable"}
        </Button>
      </>
    );

  return (
    <div className="space-y-4" data-testid="members">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <ListFilters action={path} testId="members-filters" keep={{ sort: base.sort }} clearHref={filtered ? hrefWith(path, { sort: base.sort }) : null}>
          <FilterSearch name="q" label="E-mail or name" value={query.q} testId="filter-member-search" />
          <FilterSelect
            name="role"
            label="Role"
            value={query.role}
            options={[{ value: "", label: "Any role" }, ...Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label }))]}
            testId="filter-member-role"
          />
          <FilterSelect
            name="status"
            label="Status"
            value={query.status}
            options={[
              { value: "", label: "Any" },
              { value: "active", label: "Active" },
              { value: "disabled", label: "Disabled" },
            ]}
            testId="filter-member-status"
          />
        </ListFilters>
        {canManage && (
          <Button onClick={() => setCreating(true)} data-testid="create-member">
            Add user
          </Button>
        )}
      </div>
      {notice && (
        <Alert tone="notice" testId="members-notice">
          {notice}
        </Alert>
      )}
      {members.length === 0 ? (
        <EmptyState
          title={filtered || query.after ? "No user matches these filters" : "No users yet"}
          testId="members-empty"
          action={filtered ? <Link href={path} className="text-sm underline">Show every user</Link> : undefined}
        >
          {filtered ? null : canManage ? "Add the first user: they sign in with a temporary password and choose their own." : null}
        </EmptyState>
      ) : (
        <DataTable
          label={`Users of ${account.name}`}
          testId="members-table"
          rowTestId="member-row"
          rows={members}
          rowKey={(m) => m.id}
          columns={columns}
          sort={query.sort}
          sortHref={(sort) => hrefWith(path, { ...base, sort: sort === "email" ? "" : sort })}
          actions={canManage ? actions : undefined}
        />
      )}
      <KeysetPager label="Pages of users" testId="members" firstHref={query.after ? hrefWith(path, base) : null} nextHref={next ? hrefWith(path, { ...base, after: next }) : null} />
      {canManage && (
        <>
          <CreateMemberDialog
            accountId={account.id}
            accountName={account.name}
            open={creating}
            onClose={() => setCreating(false)}
            onCreated={(email) => done(`${email} is added. Give them the temporary password yourself: they choose their own at first sign-in.`)}
          />
          <RoleDialog target={roleOf} onClose={() => setRoleOf(null)} onDone={done} />
          <ResetPasswordDialog target={resetting} onClose={() => setResetting(null)} onDone={(email) => done(`${email}'s password is reset: they sign in with the temporary one and choose their own.`)} />
          <EnableDialog target={toggling} onClose={() => setToggling(null)} onDone={done} />
        </>
      )}
    </div>
  );
}
