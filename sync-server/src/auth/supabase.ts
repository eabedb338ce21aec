// Optional Supabase sign-in: a Supabase access token (HS256, signed with the project's JWT secret, audience
// `authenticated`) is accepted as a bearer token. Its user gets a local account on first sight, linked by
// the Supabase user id, without a password. An existing local account with the same email is never taken
// over by a token: its owner has to sign in with its password.
import { emailSchema } from '@heimdex/shared-schema/protocol';
import { verify } from 'hono/jwt';
import { jsonError } from '../middleware/json-error.ts';
import type { AuthRepo } from './repository.ts';

export const SUPABASE_AUDIENCE = 'authenticated';

/** The Supabase user of a valid token, or null for an invalid, expired or anonymous one. */
export async function verifySupabaseToken(token: string, secret: string): Promise<{ supabaseUserId: string; email: string } | null> {
  try {
    const claims = await verify(token, secret, { alg: 'HS256', aud: SUPABASE_AUDIENCE });
    const email = emailSchema.safeParse(claims.email);
    if (typeof claims.sub !== 'string' || claims.sub === '' || !email.success) return null; // anonymous sign-ins have no email
    return { supabaseUserId: claims.sub, email: email.data };
  } catch {
    return null;
  }
}

/** The local user id of a Supabase user, creating the account the first time it is seen. */
export async function localUserOfSupabase(repo: AuthRepo, who: { supabaseUserId: string; email: string }): Promise<string> {
  const known = await repo.userByExternalId(who.supabaseUserId);
  if (known) return known.userId;
  const created = await repo.createExternalUser(who.supabaseUserId, who.email);
  if (created) {
    await repo.audit({ userId: created.userId, action: 'register', ip: null, metadata: { via: 'supabase' } });
    return created.userId;
  }
  const raced = await repo.userByExternalId(who.supabaseUserId); // created by a concurrent first request
  if (raced) return raced.userId;
  throw jsonError(409, { error: 'An account with this email already exists on this server. Sign in with its password.' });
}
