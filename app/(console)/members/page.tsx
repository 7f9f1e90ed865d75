import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { MembersView } from "@/components/admin/members-view";
import { PageColumn, PageHeader } from "@/components/ui/page-header";
import { accountZone } from "@/lib/console/account-zone";
import { readsUsersOf } from "@/lib/console/authz";
import { pageCaller } from "@/lib/console/caller";
import { type MemberListQuery, listMembersAs } from "@/lib/console/members";

export const metadata: Metadata = { title: "Members" };

/** The users of the caller's own account: its admins manage them, finance reads the list. */
export default async function MembersPage({ searchParams }: { searchParams: Promise<MemberListQuery> }) {
  const caller = await pageCaller();
  if (!readsUsersOf(caller, caller.accountId)) notFound();
  const [list, tz] = await Promise.all([listMembersAs(caller, caller.accountId, await searchParams), accountZone(caller.accountId)]);
  return (
    <PageColumn wide>
      <PageHeader
        title="Members"
        description={
          list.canManage
            ? `The people who use ${list.account.name}. Add a user with a temporary password (they choose their own at first sign-in), change a role, reset a password, or disable a user who leaves (their keys are revoked).`
            : `The people who use ${list.account.name}. Its admins add and manage them.`
        }
      />
      <MembersView path="/members" account={{ id: list.account.id, name: list.account.name }} members={list.members} next={list.next} query={list.query} canManage={list.canManage} selfId={caller.userId} tz={tz} />
    </PageColumn>
  );
}
