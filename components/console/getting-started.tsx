import Link from "next/link";
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

/**
 * From nothing to a first completion: a key, the base URL, a request to a
 * model that exists. Administrators also get the server-side command; others
 * learn whom to ask when they cannot make a key themselves.
 */
export function GettingStarted({
  email,
  baseUrl,
  modelId,
  isAdmin,
  admins,
}: {
  email: string;
  baseUrl: string;
  /** A chat model the viewer may use, for the snippet; null when there is none yet. */
  modelId: string | null;
  isAdmin: boolean;
  /** Who administers the viewer's account: whom to ask. */
  admins: string[];
}) {
  const keyCommand = `npx llmaas key create --email ${shellWord(email)} --name my-first-key`;
  const listModels = `curl ${baseUrl}/models \\\n  -H "Authorization: Bearer $LLMAAS_API_KEY"`;
  const body = `{"model": ${JSON.stringify(modelId ?? "MODEL_ID")}, "messages": [{"role": "user", "content": "Hello!"}]}`.replaceAll("'", `'\\''`);
  const chat = [
    `curl ${baseUrl}/chat/completions \\`,
    `  -H "Authorization: Bearer $LLMAAS_API_KEY" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '${body}'`,
  ].join("\n");
  return (
    <Card>
      <CardTitle description="Three steps from here to your first completion.">Getting started</CardTitle>
      <ol className="space-y-6">
        <Step n={1} title="Create an API key">
          <p className="text-sm text-muted">
            On the{" "}
            <Link href="/keys" className="font-medium text-foreground underline underline-offset-2" data-testid="keys-link">
              API keys
            </Link>{" "}
            page, create a key for yourself. Its secret is shown once: keep it somewhere safe.
          </p>
          {isAdmin ? (
            <>
              <p className="text-sm text-muted">Or on the server, in the llmaas folder:</p>
              <CodeBlock label="Terminal" code={keyCommand} testId="key-create-command" />
            </>
          ) : (
            <p className="text-sm text-muted" data-testid="ask-for-key">
              If you are not allowed to create keys, ask an administrator of your account
              {admins.length ? (
                <>
                  : <span className="font-medium text-foreground">{admins.join(", ")}</span>
                </>
              ) : null}
              .
            </p>
          )}
        </Step>
        <Step n={2} title="Point your client at the API">
          <p className="text-sm text-muted">
            The API speaks the OpenAI protocol: give any OpenAI SDK or tool this base URL and your key.
          </p>
          <CodeBlock label="Base URL" code={baseUrl} testId="base-url" />
        </Step>
        <Step n={3} title="Send a request">
          <p className="text-sm text-muted">
            With the secret in <code className="text-foreground">LLMAAS_API_KEY</code>, list the models you may use, then ask{" "}
            {modelId ? (
              <code className="text-foreground">{modelId}</code>
            ) : (
              <>
                a chat model something, replacing <code className="text-foreground">MODEL_ID</code> by its id once one is added
              </>
            )}
            {modelId ? " something." : "."}
          </p>
          <CodeBlock label="List models" code={listModels} testId="curl-models" />
          <CodeBlock label="Chat completion" code={chat} testId="curl-chat" />
        </Step>
      </ol>
    </Card>
  );
}
