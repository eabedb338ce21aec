// Access tokens: short-lived JWTs signed HS256 (the algorithm is named on both sides: a token claiming
// another algorithm, or none, is refused). Refresh tokens and emailed tokens: 256 random bits, stored only as
// a sha256 hash.
import { createHash, randomBytes } from 'node:crypto';
import { sign, verify } from 'hono/jwt';

export const ACCESS_TOKEN_ALG = 'HS256';

export interface AccessClaims {
  sub: string;
  typ: 'access';
  iat: number;
  exp: number;
}

export async function signAccessToken(userId: string, secret: string, ttlS: number, nowS = Math.floor(Date.now() / 1000)): Promise<string> {
  const claims: AccessClaims = { sub: userId, typ: 'access', iat: nowS, exp: nowS + ttlS };
  return sign({ ...claims }, secret, ACCESS_TOKEN_ALG);
}

/** The user id of a valid access token; throws for an expired, tampered, wrongly signed or malformed one. */
export async function verifyAccessToken(token: string, secret: string): Promise<string> {
  const payload = await verify(token, secret, ACCESS_TOKEN_ALG);
  if (payload.typ !== 'access' || typeof payload.sub !== 'string') throw new Error('not an access token');
  return payload.sub;
}

/** A refresh token, or the token of an emailed link. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
