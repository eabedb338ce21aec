// Who a bearer token belongs to: our own access tokens, and Supabase access tokens when Supabase sign-in is
// configured. The one place that decides; requireUser asks it.
import type { AuthRepo } from './repository.ts';
import { localUserOfSupabase, verifySupabaseToken } from './supabase.ts';
import { verifyAccessToken } from './tokens.ts';

/** The user id of a valid token, or null; throws only a refusal a person must read (an account conflict). */
export type BearerVerifier = (token: string) => Promise<string | null>;

export function makeBearerVerifier(opts: { jwtSecret: string; supabase?: { jwtSecret: string; repo: AuthRepo } }): BearerVerifier {
  return async (token) => {
    const local = await verifyAccessToken(token, opts.jwtSecret).catch(() => null);
    if (local || !opts.supabase) return local;
    const supabaseUser = await verifySupabaseToken(token, opts.supabase.jwtSecret);
    return supabaseUser ? localUserOfSupabase(opts.supabase.repo, supabaseUser) : null;
  };
}
