import { PageSkeleton } from "@/components/ui/skeleton";

export default function Loading() {
  return <PageSkeleton blocks={["h-40", "h-56", "h-64"]} />;
}
