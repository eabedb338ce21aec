// Sync building blocks that both sides run, without zod: the hybrid logical clock, the vector codec and what each
// kind of change is in the database.
export * from './hlc.ts';
export * from './vectors.ts';
export * from './kinds.ts';
export * from './vector-models.ts';
