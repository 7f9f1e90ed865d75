import { PageSkeleton } from "@/components/ui/skeleton";

export default function Loading() {
  return <PageSkeleton blocks={["h-10", "h-80"]} />;
}
