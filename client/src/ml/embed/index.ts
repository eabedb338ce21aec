// Visual-embedding task: a CLIP-family encoder for keyframes (vision) and queries (text).
export { loadEmbedder } from './embedder.ts';
export type { Embedder, LoadEmbedderOptions, Tower } from './embedder.ts';
export { EMBED_MODELS, embedFiles, towerDevices } from './models.ts';
export type { EmbedDtype, EmbedModelId, EmbedModelSpec } from './models.ts';
export { l2normalize, dot } from './vectors.ts';
