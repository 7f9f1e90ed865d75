/*
 * What can serve each capability, and the exact commands that register it:
 * the empty states say this instead of one generic card.
 */

export type HelpCapability = "chat" | "embeddings" | "rerank" | "transcription" | "speech" | "images" | "";

export interface CapabilityHelp {
  /** A GGUF file in the models folder can serve it (the built-in engine). */
  gguf: boolean;
  /** What kind of server serves it otherwise. */
  servers: string;
  commands: string[];
  note?: string;
}

const backend = (name: string, url: string) => `npx llmaas backend add --name ${name} --engine openai \\\n    --url ${url} --machine ${name}`;
/** `llmaas model add`, broken over lines as a terminal reader would type it. */
const model = (args: string) => `npx llmaas model add ${args.replace(" --backend", " \\\n    --backend").replace(" --capabilities", " \\\n    --capabilities")}`;

export const CAPABILITY_HELP: Record<HelpCapability, CapabilityHelp> = {
  "": {
    gguf: true,
    servers: "an OpenAI-compatible inference server (vLLM, llama.cpp server, Ollama, TEI, speaches…)",
    commands: [backend("gpu1", "http://gpu1:8000/v1"), model("--id my-model --backend gpu1 --upstream-id <name the server uses> --capabilities chat")],
  },
  chat: {
    gguf: true,
    servers: "an OpenAI-compatible server (vLLM, llama.cpp server, SGLang, LocalAI) or Ollama",
    commands: [backend("gpu1", "http://gpu1:8000/v1"), model("--id my-model --backend gpu1 --upstream-id <name the server uses> --capabilities chat")],
  },
  embeddings: {
    gguf: true,
    servers: "an embedding server such as TEI or vLLM, or an embedding GGUF (nomic-embed, bge…) in the models folder",
    commands: [backend("tei", "http://gpu3:8080/v1"), model("--id bge-m3 --backend tei --upstream-id BAAI/bge-m3 --capabilities embeddings")],
  },
  rerank: {
    gguf: false,
    servers: "a reranking server such as TEI (its /rerank route is used)",
    commands: [backend("tei", "http://gpu3:8080/v1"), model("--id bge-reranker --backend tei --upstream-id BAAI/bge-reranker-v2-m3 --capabilities rerank")],
  },
  transcription: {
    gguf: false,
    servers: "a speech-to-text server with OpenAI's /audio/transcriptions (speaches, vLLM) or whisper.cpp's server",
    commands: [backend("stt", "http://gpu4:8000/v1"), model("--id whisper-large-v3 --backend stt --capabilities transcription")],
  },
  speech: {
    gguf: false,
    servers: "a text-to-speech server with OpenAI's /audio/speech (speaches, Kokoro-FastAPI)",
    commands: [backend("tts", "http://gpu4:8880/v1"), model("--id kokoro --backend tts --upstream-id kokoro --capabilities speech")],
    note: "The built-in voice (eSpeak NG) comes with the optional npm package espeak-ng: run npm install in the llmaas folder with optional packages enabled, then restart.",
  },
  images: {
    gguf: false,
    servers: "an image server with OpenAI's /images/generations (LocalAI, or any OpenAI-compatible image API)",
    commands: [backend("img", "http://gpu5:8080/v1"), model("--id sdxl --backend img --upstream-id stablediffusion --capabilities images")],
  },
};
