import { keep } from "./http";
import type { Post } from "./openai";
import type { UpstreamCall } from "./types";

/**
 * Transcriptions from servers that differ from OpenAI's route: an older vLLM
 * that refuses verbose_json (asked again for json), and the whisper.cpp
 * server, which has no OpenAI route but /inference at its root.
 */
export async function transcribeOrFallback(res: Response, call: UpstreamCall, post: Post, postRoot: Post): Promise<Response> {
  const form = call.body as FormData;
  if (res.status === 404 || res.status === 405) {
    const first = await keep(res);
    const native = await whisperCppInference(call.path, form, postRoot);
    if (native.status !== 404 && native.status !== 405) return native;
    await native.body?.cancel();
    return first; // not whisper.cpp either: the first answer says what is wrong
  }
  if (res.status === 400 && form.get("response_format") === "verbose_json") {
    const first = await keep(res);
    if (/response_format|verbose_json/i.test(await first.clone().text())) return post(call.path, withField(form, "response_format", "json"));
    return first;
  }
  return res;
}

function withField(form: FormData, name: string, value: string): FormData {
  const copy = new FormData();
  for (const [k, v] of form) if (k !== name) copy.append(k, v);
  copy.append(name, value);
  return copy;
}

async function whisperCppInference(path: string, form: FormData, postRoot: Post): Promise<Response> {
  const out = new FormData();
  out.append("file", form.get("file")!);
  out.append("response_format", "verbose_json");
  // whisper.cpp assumes English unless told to detect the language.
  out.append("language", String(form.get("language") ?? "auto"));
  out.append("translate", path === "/audio/translations" ? "true" : "false");
  for (const name of ["prompt", "temperature"]) {
    const value = form.get(name);
    if (typeof value === "string") out.append(name, value);
  }
  return postRoot("/inference", out);
}
