import Link from "next/link";
import { Card } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { env } from "@/lib/env";
import { CAPABILITY_HELP, type HelpCapability } from "./capability-help";

/**
 * What a page says when the catalogue has no model for its capability: what
 * can serve that capability, the exact commands, and the configured folder.
 */
export function NoModels({ capability, isAdmin, canAddModels = false }: { capability: HelpCapability; isAdmin: boolean; canAddModels?: boolean }) {
  const help = CAPABILITY_HELP[capability];
  const dir = env().LLMAAS_MODELS_DIR;
  return (
    <Card className="mx-auto w-full max-w-2xl" data-testid="no-models">
      <h1 className="text-lg font-semibold">No {capability ? `${capability} ` : ""}model is available yet</h1>
      <p className="mt-2 text-sm text-muted">
        {capability ? `A ${capability} model appears here` : "Models appear here"} once the platform has something that serves it.
      </p>
      {isAdmin ? (
        <div className="mt-5 space-y-4 text-sm" data-testid="no-models-admin-help">
          {help.gguf && (
            <section className="space-y-2" data-testid="no-models-gguf">
              <h2 className="font-medium">On this server, with the built-in engine</h2>
              <p className="text-muted">
                Put a GGUF model file in the models folder <code className="break-all text-foreground">{dir}</code>: it is served within
                seconds, no restart.
                {canAddModels && (
                  <>
                    {" "}
                    Or{" "}
                    <Link href="/models/add" className="font-medium text-foreground underline underline-offset-2" data-testid="no-models-add">
                      upload or download one from the console
                    </Link>
                    .
                  </>
                )}
              </p>
            </section>
          )}
          <section className="space-y-2" data-testid="no-models-server">
            <h2 className="font-medium">{help.gguf ? "Or on an inference server" : "On an inference server"}</h2>
            <p className="text-muted">
              {help.gguf ? "" : `The built-in engine does not serve ${capability}: `}register {help.servers}, then the model, from the llmaas folder on
              the server:
            </p>
            <CodeBlock label="Terminal" code={help.commands.join("\n")} testId="no-models-commands" />
            {help.note && <p className="text-muted">{help.note}</p>}
          </section>
        </div>
      ) : (
        <p className="mt-4 text-sm">Ask an administrator of your platform to add one.</p>
      )}
    </Card>
  );
}
