// Sync building blocks that both sides run, without zod: the hybrid logical clock and the vector codec.
export * from './hlc.ts';
export * from './vectors.ts';
