import type { ChatWrapper, Llama, LlamaContext, LlamaContextSequence, LlamaEmbeddingContext, LlamaModel, LlamaText, Token } from "node-llama-cpp";
import { type Bindings, loadBindings } from "./llama";
import { type ChatTurn, fallbackChatPrompt } from "./template";

export interface Prompt {
  /** Tokens to evaluate, without the beginning-of-sequence token that generation adds itself. */
  tokens: Token[];
  /** What the model evaluates, that token included: the request's prompt_tokens. */
  count: number;
  /** Text or special tokens that end the answer, besides the model's end-of-generation tokens. */
  stops: (string | LlamaText)[];
  /** The fallback transcript ends with "Assistant:": the answer's leading space is the format's, not the model's. */
  trimLeadingSpace: boolean;
}

/** A model in memory, with one context whose sequences are the engine's parallel slots. */
export class LoadedModel {
  private embeddingContext: Promise<LlamaEmbeddingContext> | null = null;
  /**
   * Sequences given back by finished requests. Reused rather than disposed:
   * a disposed sequence's slot comes back only later, asynchronously, and a
   * reused one keeps its tokens, so a prompt that starts the same way (a
   * shared system prompt) is not evaluated again.
   */
  private idle: LlamaContextSequence[] = [];
  private wrapper: ChatWrapper | null | undefined;

  private constructor(
    readonly id: string,
    readonly model: LlamaModel,
    readonly context: LlamaContext,
    private readonly bindings: Bindings,
    private readonly threads: number,
  ) {}

  static async load(
    llama: Llama,
    options: { id: string; path: string; threads: number; parallel: number; contextSize: number },
  ): Promise<LoadedModel> {
    const bindings = await loadBindings();
    const model = await llama.loadModel({ modelPath: options.path, gpuLayers: 0 });
    try {
      const context = await model.createContext({
        contextSize: Math.min(options.contextSize, model.trainContextSize || options.contextSize),
        sequences: options.parallel,
        threads: options.threads,
      });
      return new LoadedModel(options.id, model, context, bindings, options.threads);
    } catch (err) {
      await model.dispose();
      throw err;
    }
  }

  takeSequence(): LlamaContextSequence {
    return this.idle.pop() ?? this.context.getSequence();
  }

  returnSequence(sequence: LlamaContextSequence): void {
    this.idle.push(sequence);
  }

  /** Tokens each request can hold: its prompt and its answer together. */
  get contextSize(): number {
    return this.context.contextSize;
  }

  /** The model's own chat format, from the template in its GGUF; null when it has none. */
  private chatWrapper(): ChatWrapper | null {
    if (this.wrapper === undefined) {
      const template = (this.model.fileInfo.metadata as { tokenizer?: { chat_template?: unknown } }).tokenizer?.chat_template;
      this.wrapper = typeof template === "string" ? this.bindings.resolveChatWrapper(this.model, { warningLogs: false }) : null;
    }
    return this.wrapper;
  }

  /** The prompt for a chat, in the model's template or the fallback transcript. */
  chatPrompt(turns: ChatTurn[]): Prompt {
    const wrapper = this.chatWrapper();
    if (!wrapper) {
      const { prompt, stops } = fallbackChatPrompt(turns);
      return { ...this.textPrompt(prompt), stops, trimLeadingSpace: true };
    }
    const history = turns.map((t) =>
      t.role === "assistant" ? { type: "model" as const, response: [t.text] } : t.role === "system" ? { type: "system" as const, text: t.text } : { type: "user" as const, text: t.text },
    );
    // An empty answer last makes the template open the assistant's turn, as a chat does.
    if (history.at(-1)?.type !== "model") history.push({ type: "model", response: [] });
    const state = wrapper.generateContextState({ chatHistory: history });
    return { ...this.fromTokens(state.contextText.tokenize(this.model.tokenizer)), stops: state.stopGenerationTriggers, trimLeadingSpace: false };
  }

  /** A classic completion prompt: the text as it is, special-token look-alikes included as plain text. */
  textPrompt(text: string): Prompt {
    return { ...this.fromTokens(this.model.tokenize(text)), stops: [], trimLeadingSpace: false };
  }

  private fromTokens(tokens: Token[]): Pick<Prompt, "tokens" | "count"> {
    // Generation puts the beginning-of-sequence token first when the model wants one; a template may have too.
    const bos = this.model.tokens.shouldPrependBosToken ? this.model.tokens.bos : null;
    const body = bos !== null && tokens[0] === bos ? tokens.slice(1) : tokens;
    return { tokens: body, count: body.length + (bos !== null ? 1 : 0) };
  }

  /** One embedding context per loaded model, made on first use; null when the model cannot embed. */
  async embeddings(): Promise<LlamaEmbeddingContext | null> {
    this.embeddingContext ??= this.model.createEmbeddingContext({ contextSize: this.contextSize, threads: this.threads });
    return this.embeddingContext.catch(() => null);
  }

  async dispose(): Promise<void> {
    const embeddings = await this.embeddingContext?.catch(() => null);
    await embeddings?.dispose();
    await this.context.dispose();
    await this.model.dispose();
  }
}
