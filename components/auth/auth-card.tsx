import { Brand } from "@/components/ui/brand";
import { Card } from "@/components/ui/card";

/** The frame of the pages a signed-out visitor sees: the brand, a heading and one form. */
export function AuthCard({ title, description, children }: { title: string; description: string; children: React.ReactNode }) {
  return (
    <div className="w-full max-w-sm space-y-6">
      <div className="flex justify-center text-lg">
        <Brand />
      </div>
      <Card className="space-y-5">
        <header className="space-y-1">
          <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
          <p className="text-sm text-muted">{description}</p>
        </header>
        {children}
      </Card>
    </div>
  );
}
