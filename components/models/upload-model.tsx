"use client";

import { useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { useFileDrop } from "@/components/ui/use-file-drop";
import { formatBytes } from "@/lib/models/progress-text";
import { ModelReady } from "./model-ready";
import { type Transfer, TransferProgress } from "./transfer-progress";
import { useSpeed } from "./use-speed";

const UPLOAD_API = "/api/console/models/upload";

const errorOf = async (res: Response) => ((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ?? `The server answered ${res.status}`;

/** Upload a GGUF from this computer; the server writes it to the models folder as it arrives. */
export function UploadModel() {
  const [file, setFile] = useState<File | null>(null);
  const [transfer, setTransfer] = useState<Transfer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ model: string; sha256: string } | null>(null);
  const { dragging, dropProps } = useFileDrop((files) => void choose(files[0]));
  const xhr = useRef<XMLHttpRequest | null>(null);
  const speed = useSpeed();

  async function choose(f: File | undefined) {
    setError(null);
    setDone(null);
    setFile(null);
    if (!f) return;
    if (!/\.gguf$/i.test(f.name)) return setError(`${f.name} is not a GGUF file: choose a file whose name ends in .gguf`);
    if ((await f.slice(0, 4).text()) !== "GGUF") return setError(`${f.name} does not begin with the GGUF header: it is not a model file`);
    setFile(f);
  }

  async function upload() {
    if (!file) return;
    setError(null);
    // Name and room are checked before a byte is sent: a large file fails at once, not after minutes.
    const check = await fetch(`${UPLOAD_API}?name=${encodeURIComponent(file.name)}&size=${file.size}`);
    if (!check.ok) return setError(await errorOf(check));
    speed.reset();
    setTransfer({ received: 0, total: file.size, bytesPerSecond: 0, secondsLeft: null });
    const request = new XMLHttpRequest();
    xhr.current = request;
    request.upload.onprogress = (e) => setTransfer(speed.measure(e.loaded, file.size));
    request.onload = () => {
      xhr.current = null;
      setTransfer(null);
      const body = JSON.parse(request.responseText || "{}") as { model?: string; sha256?: string; error?: { message?: string } };
      if (request.status === 201 && body.model) {
        setDone({ model: body.model, sha256: body.sha256 ?? "" });
        setFile(null);
      } else setError(body.error?.message ?? `The server answered ${request.status}`);
    };
    request.onerror = () => {
      xhr.current = null;
      setTransfer(null);
      setError("The upload was interrupted: check the connection and upload again");
    };
    request.onabort = () => {
      xhr.current = null;
      setTransfer(null);
      setError("Upload cancelled: nothing was kept");
    };
    request.open("PUT", `${UPLOAD_API}?name=${encodeURIComponent(file.name)}`);
    request.setRequestHeader("content-type", "application/octet-stream");
    request.send(file);
  }

  return (
    <Card data-testid="upload-model">
      <CardTitle description="A .gguf file from this computer. It streams to the server's models folder and is served as soon as it lands.">
        Upload a GGUF file
      </CardTitle>
      <div className="space-y-4">
        <label
          {...dropProps}
          className={`flex cursor-pointer flex-col items-center justify-center gap-1 rounded-md border border-dashed px-4 py-6 text-center text-sm focus-within:ring-2 focus-within:ring-primary ${dragging ? "border-primary bg-accent" : "border-field-border"}`}
        >
          <span className="font-medium">{file ? file.name : "Drop a .gguf file here or choose one"}</span>
          <span className="text-xs text-muted">{file ? formatBytes(file.size) : "Its name without .gguf becomes the model id"}</span>
          <input
            type="file"
            accept=".gguf"
            className="sr-only"
            data-testid="upload-file"
            disabled={transfer !== null}
            onChange={(e) => void choose(e.target.files?.[0])}
          />
        </label>
        {transfer && <TransferProgress transfer={transfer} label={`Uploading ${file?.name ?? ""}`} testId="upload-progress" />}
        {error && (
          <Alert tone="error" testId="upload-error">
            {error}
          </Alert>
        )}
        {done && <ModelReady model={done.model} sha256={done.sha256} testId="upload-done" />}
        <div className="flex justify-end gap-2">
          {transfer ? (
            <Button variant="secondary" onClick={() => xhr.current?.abort()} data-testid="upload-cancel">
              Cancel upload
            </Button>
          ) : (
            <Button onClick={() => void upload()} disabled={!file} data-testid="upload-submit">
              Upload
            </Button>
          )}
        </div>
      </div>
    </Card>
  );
}
