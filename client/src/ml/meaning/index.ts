// Meaning task: a multilingual sentence-embedding model for what scenes say and what queries mean.
export { loadMeaningEncoder, meaningDevice } from './encoder.ts';
export type { LoadMeaningOptions, MeaningEncoder } from './encoder.ts';
export { MEANING_MODELS, meaningFiles } from './models.ts';
export type { MeaningModelId, MeaningModelSpec } from './models.ts';
