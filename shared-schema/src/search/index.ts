// The search the app and the sync server share (`@heimdex/shared-schema/search`): the query language, its
// retrieval statements, reciprocal-rank fusion, and hits with their reasons and highlighted snippets.
export * from './corrections.ts';
export * from './decimal-numbers.ts';
export * from './fuse.ts';
export * from './glued-words.ts';
export * from './hits.ts';
export * from './ocr-words.ts';
export * from './parse.ts';
export * from './snippets.ts';
export * from './spelling.ts';
export * from './sql.ts';
export * from './stems.ts';
export * from './thresholds.ts';
export type * from './types.ts';
