import { Card, CardTitle } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";

/** Quotes a value for a POSIX shell unless it is plainly safe as it is. */
const shellWord = (value: string) => (/^[\w@.+-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`);

function Step({ n, title, children }: { n: number; title: string; children: React.ReactNode }) {
  return (
    <li className="grid grid-cols-[1.75rem_1fr] gap-3">
      <span aria-hidden="true" className="flex size-7 items-center justify-center rounded-full border text-xs font-semibold text-muted">
        {n}
      </span>
      <div className="min-w-0 space-y-2 pt-0.5">
        <h3 className="text-sm font-semibold">{title}</h3>
        {children}
      </div>
    </li>
  );
}

export function GettingStarted({ email, baseUrl }: { email: string; baseUrl: string }) {
  const keyCommand = `npx llmaas key create --email ${shellWord(email)} --name my-first-key`;
  const listModels = `curl ${baseUrl}/models \\\n  -H "Authorization: Bearer $LLMAAS_API_KEY"`;
  const chat = [
    `curl ${baseUrl}/chat/completions \\`,
    `  -H "Authorization: Bearer $LLMAAS_API_KEY" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"model": "MODEL_ID", "messages": [{"role": "user", "content": "Hello!"}]}'`,
  ].join("\n");
  return (
    <Card>
      <CardTitle description="Three steps from here to your first completion.">Getting started</CardTitle>
      <ol className="space-y-6">
        <Step n={1} title="Create an API key">
          <p className="text-sm text-muted">
            On the server, in the llmaas folder, run the command below. The secret is printed once: keep it somewhere safe.
          </p>
          <CodeBlock label="Terminal" code={keyCommand} testId="key-create-command" />
        </Step>
        <Step n={2} title="Point your client at the API">
          <p className="text-sm text-muted">
            The API speaks the OpenAI protocol: give any OpenAI SDK or tool this base URL and your key.
          </p>
          <CodeBlock label="Base URL" code={baseUrl} testId="base-url" />
        </Step>
        <Step n={3} title="Send a request">
          <p className="text-sm text-muted">
            With the secret in <code className="text-foreground">LLMAAS_API_KEY</code>, list the models you may use, then
            ask one of them something, replacing <code className="text-foreground">MODEL_ID</code> by its id.
          </p>
          <CodeBlock label="List models" code={listModels} testId="curl-models" />
          <CodeBlock label="Chat completion" code={chat} testId="curl-chat" />
        </Step>
      </ol>
    </Card>
  );
}
