import type { KeyStatus } from "@/db/queries/keys";
import { STATUS_LABELS } from "@/lib/keys/status";
import { Badge, type BadgeTone } from "@/components/ui/badge";

const TONES: Record<KeyStatus, BadgeTone> = { active: "success", rotating: "info", expiring: "warning", expired: "neutral", revoked: "danger" };

export function KeyStatusBadge({ status, testId }: { status: KeyStatus; testId?: string }) {
  return (
    <Badge tone={TONES[status]} testId={testId}>
      {STATUS_LABELS[status]}
    </Badge>
  );
}
