import Link from "next/link";
import { Card, CardTitle } from "@/components/ui/card";

const roleLabels = { admin: "Administrator", member: "Member", finance: "Finance" } as const;

export function SignedInCard({
  email,
  name,
  account,
  role,
  superadmin,
}: {
  email: string;
  name: string;
  account: string;
  role: keyof typeof roleLabels;
  superadmin: boolean;
}) {
  const rows = [
    { label: "Email", value: email, testId: "signed-in-email" },
    { label: "Name", value: name || "—", testId: "signed-in-name" },
    { label: "Account", value: account, testId: "signed-in-account" },
    { label: "Role", value: superadmin ? `${roleLabels[role]} · platform superadmin` : roleLabels[role], testId: "signed-in-role" },
  ];
  return (
    <Card>
      <CardTitle>Signed in as</CardTitle>
      <dl className="space-y-3 text-sm">
        {rows.map((r) => (
          <div key={r.label} className="sm:grid sm:grid-cols-[8rem_1fr] sm:gap-x-6">
            <dt className="text-muted">{r.label}</dt>
            <dd className="font-medium break-all" data-testid={r.testId}>
              {r.value}
            </dd>
          </div>
        ))}
      </dl>
      <Link href="/change-password" className="mt-4 inline-block text-sm underline underline-offset-2" data-testid="change-password-link">
        Change password
      </Link>
    </Card>
  );
}
