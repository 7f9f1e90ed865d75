import { Badge } from "@/components/ui/badge";

/** Active, or suspended (every key refused). */
export function AccountStatusBadge({ suspendedAt, testId }: { suspendedAt: Date | string | null; testId?: string }) {
  return suspendedAt ? (
    <Badge tone="danger" testId={testId ?? "account-status"}>
      Suspended
    </Badge>
  ) : (
    <Badge tone="success" testId={testId ?? "account-status"}>
      Active
    </Badge>
  );
}
