/** What a model can be asked to do; each endpoint needs one (see the gateway's resolveModel). */
export const CAPABILITIES = ["chat", "vision", "tools", "embeddings", "rerank", "transcription", "speech", "images"] as const;
export type Capability = (typeof CAPABILITIES)[number];
