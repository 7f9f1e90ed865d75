"use client";

import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { TextField } from "@/components/ui/text-field";
import type { PullJob } from "@/lib/models/jobs";
import { ModelReady } from "./model-ready";
import { TransferProgress } from "./transfer-progress";

const PULLS_API = "/api/console/models/pulls";

/** Download a GGUF from a URL on the server itself: resumable, verified, cancellable. */
export function PullModel() {
  const [url, setUrl] = useState("");
  const [sha256, setSha256] = useState("");
  const [job, setJob] = useState<PullJob | null>(null);
  const [error, setError] = useState<{ message: string; param: string | null } | null>(null);
  const [starting, setStarting] = useState(false);

  // A download still running from before (the page was reloaded) is picked up again.
  useEffect(() => {
    void fetch(PULLS_API)
      .then((r) => (r.ok ? r.json() : null))
      .then((body: { data: PullJob[] } | null) => {
        const running = body?.data.find((j) => j.state === "running");
        if (running) setJob(running);
      });
  }, []);

  useEffect(() => {
    if (job?.state !== "running") return;
    const timer = setInterval(async () => {
      const res = await fetch(`${PULLS_API}/${job.id}`);
      if (res.ok) setJob((await res.json()) as PullJob);
    }, 500);
    return () => clearInterval(timer);
  }, [job?.id, job?.state]);

  async function start(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    setStarting(true);
    try {
      const res = await fetch(PULLS_API, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ url, sha256 }) });
      const body = (await res.json()) as PullJob & { error?: { message: string; param: string | null } };
      if (!res.ok) setError({ message: body.error?.message ?? `The server answered ${res.status}`, param: body.error?.param ?? null });
      else setJob(body);
    } finally {
      setStarting(false);
    }
  }

  async function cancel() {
    if (!job) return;
    const res = await fetch(`${PULLS_API}/${job.id}`, { method: "DELETE" });
    if (res.ok) setJob((await res.json()) as PullJob);
  }

  const running = job?.state === "running";
  return (
    <Card data-testid="pull-model">
      <CardTitle description="A direct link to a .gguf file, such as a model hub's download link. The server downloads it, carries on after a dropped connection, and checks the SHA-256 when you give one.">
        Download from a URL
      </CardTitle>
      <form onSubmit={start} className="space-y-4" noValidate>
        <TextField
          label="File URL"
          testId="pull-url"
          type="url"
          inputMode="url"
          placeholder="https://…/model-q4_k_m.gguf"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          disabled={running}
          required
          error={error && error.param !== "sha256" ? error.message : undefined}
        />
        <TextField
          label="SHA-256 (optional)"
          testId="pull-sha256"
          hint="64 hexadecimal characters, as the model's page lists them: the file is kept only if it matches."
          value={sha256}
          onChange={(e) => setSha256(e.target.value)}
          disabled={running}
          spellCheck={false}
          error={error?.param === "sha256" ? error.message : undefined}
        />
        {job && (running || job.state === "failed") && (
          <TransferProgress transfer={job.progress} label={`Downloading ${job.name}`} testId="pull-progress" />
        )}
        {job?.state === "failed" && (
          <Alert tone="error" testId="pull-error">
            {job.error}
          </Alert>
        )}
        {job?.state === "cancelled" && (
          <Alert tone="error" testId="pull-cancelled">
            Download of {job.name} cancelled: the partial file was deleted.
          </Alert>
        )}
        {job?.state === "done" && job.model && <ModelReady model={job.model} sha256={job.sha256} testId="pull-done" />}
        <div className="flex justify-end gap-2">
          {running ? (
            <Button variant="secondary" onClick={() => void cancel()} data-testid="pull-cancel">
              Cancel download
            </Button>
          ) : (
            <Button type="submit" disabled={starting || !url.trim()} data-testid="pull-submit">
              {starting ? "Starting…" : "Download"}
            </Button>
          )}
        </div>
      </form>
    </Card>
  );
}
