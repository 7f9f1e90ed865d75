/*
 * Chat messages as the embedded engine sees them, and the prompt format used
 * for models whose GGUF carries no chat template of its own.
 */

type Json = Record<string, unknown>;

export interface ChatTurn {
  role: "system" | "user" | "assistant";
  text: string;
}

/** Text of an OpenAI message's content: a string, or its text parts joined by new lines. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return (content as Json[])
    .filter((part) => part?.type === "text")
    .map((part) => String(part.text ?? ""))
    .join("\n");
}

/**
 * OpenAI messages as turns of three roles. The engine offers no tool calling,
 * so a tool result reaches the model as a user turn that says what it is.
 */
export function toChatTurns(messages: Json[]): ChatTurn[] {
  return messages.map((m): ChatTurn => {
    const text = contentText(m.content);
    switch (m.role) {
      case "system":
      case "developer":
        return { role: "system", text };
      case "assistant":
        return { role: "assistant", text };
      case "tool":
        return { role: "user", text: `Tool result${m.tool_call_id ? ` (${String(m.tool_call_id)})` : ""}:\n${text}` };
      default:
        return { role: "user", text };
    }
  });
}

const LABEL = { user: "User", assistant: "Assistant" } as const;

export interface FallbackPrompt {
  prompt: string;
  /** Text that starts another turn: the answer ends before it. */
  stops: string[];
}

/**
 * A plain transcript: system text first, then "User:" and "Assistant:" lines,
 * ending with "Assistant:" for the model to go on from. Models without a
 * template were rarely tuned for chat; this is the format they continue best.
 * A last assistant message is continued rather than answered.
 */
export function fallbackChatPrompt(turns: ChatTurn[]): FallbackPrompt {
  const system = turns
    .filter((t) => t.role === "system")
    .map((t) => t.text.trim())
    .filter(Boolean);
  const lines = turns
    .filter((t): t is ChatTurn & { role: "user" | "assistant" } => t.role !== "system")
    .map((t) => `${LABEL[t.role]}: ${t.text.trim()}`);
  const continues = turns.at(-1)?.role === "assistant";
  if (!continues) lines.push(`${LABEL.assistant}:`);
  const head = system.length > 0 ? `${system.join("\n\n")}\n\n` : "";
  return { prompt: `${head}${lines.join("\n")}`, stops: [`\n${LABEL.user}:`, `\n${LABEL.assistant}:`] };
}
