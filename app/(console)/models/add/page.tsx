import type { Metadata } from "next";
import Link from "next/link";
import { PullModel } from "@/components/models/pull-model";
import { NewModelForm } from "@/components/platform/new-model-form";
import { UploadModel } from "@/components/models/upload-model";
import { Card, CardTitle } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { pageCaller } from "@/lib/console/caller";
import { backendChoicesAs } from "@/lib/console/model-admin";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Add a model" };

export default async function AddModelPage() {
  const caller = await pageCaller();
  const dir = env().LLMAAS_MODELS_DIR;
  const backends = caller.superadmin ? await backendChoicesAs(caller) : [];
  return (
    <div className="mx-auto w-full max-w-3xl space-y-6 px-4 py-8 sm:px-6">
      <header className="space-y-1">
        <p className="text-sm">
          <Link href="/models" className="text-muted hover:text-foreground" data-testid="back-to-models">
            ← Models
          </Link>
        </p>
        <h1 className="text-2xl font-semibold tracking-tight">Add a model</h1>
        <p className="text-sm text-muted">
          Put a model on one of the platform&apos;s backends, or give the built-in engine a GGUF file: one in the models folder (
          <code className="text-foreground">{dir}</code>) is served on this server&apos;s CPU, for chat and completions (or embeddings, for an embedding
          model). No restart needed.
        </p>
      </header>
      {caller.superadmin ? (
        <>
          <Card>
            <CardTitle description="A model an inference server already runs (vLLM, llama.cpp, Ollama, TEI…): listed and usable on every instance within a second.">
              Serve a model from a backend
            </CardTitle>
            <NewModelForm backends={backends} />
          </Card>
          <UploadModel />
          <PullModel />
          <Card>
            <CardTitle description="The same from a shell on the server; a file copied into the folder is picked up within seconds.">From a terminal</CardTitle>
            <div className="space-y-3">
              <CodeBlock label="Download" code={"npx llmaas model pull https://…/model.gguf --sha256 <hex>"} testId="pull-command" />
              <CodeBlock label="Or copy" code={`cp model.gguf ${dir}/`} testId="copy-command" />
            </div>
          </Card>
        </>
      ) : (
        <Card data-testid="add-model-forbidden">
          <CardTitle>Only platform administrators can add models</CardTitle>
          <p className="text-sm text-muted">
            Models are shared by every account on this platform. Ask the person who administers it, or use the models already in the{" "}
            <Link href="/models" className="underline underline-offset-2">
              catalogue
            </Link>
            .
          </p>
        </Card>
      )}
    </div>
  );
}
