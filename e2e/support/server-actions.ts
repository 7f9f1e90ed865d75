/*
 * Server actions called the way a browser calls them, to prove the server
 * refuses what the UI does not offer: record an action's request while a
 * person performs it in the UI, then replay it as someone else, with other
 * arguments.
 */
import type { APIRequestContext, Page, Request } from "@playwright/test";
import { BASE_URL } from "../fixtures";

export interface RecordedAction {
  /** The page the action was posted to. */
  url: string;
  /** The build's id of the action (Next-Action header). */
  id: string;
  /** Its arguments, as the browser encoded them. */
  args: unknown[];
}

/** Records every server action the page posts, oldest first. */
export function recordActions(page: Page): RecordedAction[] {
  const seen: RecordedAction[] = [];
  page.on("request", (req: Request) => {
    const id = req.headers()["next-action"];
    if (req.method() !== "POST" || !id) return;
    seen.push({ url: req.url(), id, args: JSON.parse(req.postData() ?? "[]") as unknown[] });
  });
  return seen;
}

/** Replays an action with other arguments in another signed-in context; the status and the RSC payload it answered. */
export async function replayAction(request: APIRequestContext, action: RecordedAction, args: unknown[]): Promise<{ status: number; text: string }> {
  const res = await request.post(action.url, {
    headers: { "Next-Action": action.id, "Content-Type": "text/plain;charset=UTF-8", Accept: "text/x-component", Origin: BASE_URL },
    data: JSON.stringify(args),
  });
  return { status: res.status(), text: await res.text() };
}

/** The `{ ok, error }` result an action answered, read out of its RSC payload. */
export function actionResult(text: string): { ok: boolean; error?: { message: string; status: number } } | null {
  for (const line of text.split("\n")) {
    const json = line.slice(line.indexOf(":") + 1);
    if (!json.startsWith("{")) continue;
    try {
      const value = JSON.parse(json) as { ok?: boolean };
      if (typeof value.ok === "boolean") return value as { ok: boolean; error?: { message: string; status: number } };
    } catch {
      // Another row of the payload.
    }
  }
  return null;
}
