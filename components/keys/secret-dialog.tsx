"use client";

import { useState } from "react";
import { LanguageTabs } from "@/components/playground/language-tabs";
import type { SnippetLanguage } from "@/components/playground/snippets";
import { Button } from "@/components/ui/button";
import { CodeBlock } from "@/components/ui/code-block";
import { Dialog } from "@/components/ui/dialog";
import { formatDateTime } from "@/lib/format";
import { keySnippets } from "@/lib/keys/snippets";

export interface ShownSecret {
  name: string;
  secret: string;
  previousExpiresAt: string | null;
  rotated: boolean;
}

/** A new secret, shown this once, with calls that already hold it. */
export function SecretDialog({ shown, onClose, baseUrl, model, tz }: { shown: ShownSecret | null; onClose: () => void; baseUrl: string; model: string; tz: string }) {
  const [language, setLanguage] = useState<SnippetLanguage>("curl");
  const snippets = shown ? keySnippets(baseUrl, shown.secret, model) : null;
  return (
    <Dialog
      open={shown !== null}
      onClose={onClose}
      testId="secret-dialog"
      wide
      title={shown?.rotated ? `New secret for ${shown.name}` : `Key ${shown?.name ?? ""} created`}
      description={
        <>
          Copy the secret now: it is shown only once and cannot be shown again.
          {shown?.rotated &&
            (shown.previousExpiresAt ? ` The old secret keeps working until ${formatDateTime(shown.previousExpiresAt, tz)}.` : " The old secret no longer works.")}
        </>
      }
    >
      {shown && snippets && (
        <div className="space-y-4">
          <CodeBlock label="Secret" code={shown.secret} testId="new-secret" />
          <div className="space-y-2">
            <div className="flex items-center justify-between gap-2">
              <p className="text-sm font-medium">Try it</p>
              <LanguageTabs value={language} onChange={setLanguage} testIdPrefix="secret-snippet" />
            </div>
            <CodeBlock label={language === "curl" ? "curl" : language === "python" ? "Python (openai)" : "JavaScript (openai)"} code={snippets[language]} testId="secret-snippet" />
          </div>
          <div className="flex justify-end">
            <Button onClick={onClose} data-testid="secret-done">
              I have stored it
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
