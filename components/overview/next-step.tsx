import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export interface NextStepInput {
  chatModel: string | null;
  isAdmin: boolean;
  canAddModels: boolean;
  admins: string[];
  modelsDir: string;
}

/** The one thing to do next, from what the platform has and who is looking. */
export function NextStep({ chatModel, isAdmin, canAddModels, admins, modelsDir }: NextStepInput) {
  let title: string;
  let text: React.ReactNode;
  let action: { href: string; label: string } | null = null;
  if (!chatModel && canAddModels) {
    title = "Add a chat model";
    text = "Nothing can answer a chat yet. Upload a GGUF file or give the server a download link: the built-in engine serves it within seconds.";
    action = { href: "/models/add", label: "Add a model" };
  } else if (!chatModel && isAdmin) {
    title = "Ask for a chat model";
    text = (
      <>
        Nothing can answer a chat yet. The platform&apos;s operator can copy a GGUF file into <code className="break-all">{modelsDir}</code> on the
        server or register an inference server; the Chat page lists the exact commands.
      </>
    );
    action = { href: "/chat", label: "See how" };
  } else if (!chatModel) {
    title = "No chat model yet";
    text = admins.length ? `Ask an administrator of your account (${admins.join(", ")}) to have one added.` : "Ask an administrator of your account to have one added.";
  } else {
    title = `Chat with ${chatModel}`;
    text = "Try it in the browser first, then create an API key and call it from your code with the snippets below.";
    action = { href: `/chat?model=${encodeURIComponent(chatModel)}`, label: "Open the chat" };
  }
  return (
    <section className="flex flex-col gap-3 rounded-lg border border-primary/20 bg-surface p-4 shadow-xs sm:flex-row sm:items-center sm:p-5" data-testid="next-step">
      <div className="min-w-0 flex-1 space-y-1">
        <p className="text-xs font-medium tracking-wide text-muted uppercase">Next step</p>
        <h2 className="text-base font-semibold" data-testid="next-step-title">
          {title}
        </h2>
        <p className="text-sm text-muted">{text}</p>
      </div>
      {action && (
        <Link href={action.href} className={buttonClasses("primary", "shrink-0")} data-testid="next-step-action">
          {action.label}
        </Link>
      )}
    </section>
  );
}
