import { Card } from "@/components/ui/card";

/** What a page says when the catalogue has no model it can use, and who can fix that. */
export function NoModels({ capability, isAdmin }: { capability: string; isAdmin: boolean }) {
  return (
    <Card className="mx-auto max-w-xl text-center" data-testid="no-models">
      <h1 className="text-lg font-semibold">No {capability ? `${capability} ` : ""}model is available yet</h1>
      <p className="mt-2 text-sm text-muted">
        Models appear here once an administrator registers a backend that serves them and adds the models to the catalogue.
      </p>
      {isAdmin ? (
        <div className="mt-4 space-y-2 text-left text-sm" data-testid="no-models-admin-help">
          <p>On the server, either:</p>
          <ul className="list-disc space-y-1 pl-5 text-muted">
            <li>
              copy a GGUF model file into the models folder (<code className="text-foreground">.data/models</code> by default) and restart: the
              built-in engine serves it;
            </li>
            <li>
              or register an inference server (vLLM, llama.cpp, Ollama…): <code className="text-foreground">npx llmaas backend add</code> then{" "}
              <code className="text-foreground">npx llmaas model add</code>.
            </li>
          </ul>
        </div>
      ) : (
        <p className="mt-4 text-sm">Ask an administrator of your platform to add one.</p>
      )}
    </Card>
  );
}
