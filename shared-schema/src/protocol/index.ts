// The sync server's API contract (requests, answers, validators), shared by the server and the app.
// A subpath of its own (`@heimdex/shared-schema/protocol`): zod stays out of bundles that only need the schema.
export * from './auth.ts';
export * from './blobs.ts';
export * from './quota.ts';
export * from './search.ts';
export * from './sync.ts';
