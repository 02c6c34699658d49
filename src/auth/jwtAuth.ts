import type { KeyObject } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import jwt from 'jsonwebtoken';
import passport from 'passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { BEARER_CHALLENGE, ProblemError, describeGuard } from '../platform';
import { ROLES, type Role, type TokenClaims } from './tokens';

export interface AuthenticatedUser {
  userId: string;
  roles: Role[];
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthenticatedUser;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Maps verified claims to a user; claims of the wrong shape are refused like a bad signature. */
export function userFromClaims(payload: unknown): AuthenticatedUser | undefined {
  const claims = payload as Partial<TokenClaims>;
  if (typeof claims.sub !== 'string' || !UUID.test(claims.sub)) return undefined;
  if (!Array.isArray(claims.roles) || !claims.roles.every((r) => ROLES.includes(r as Role))) return undefined;
  return { userId: claims.sub, roles: claims.roles };
}

const INVALID_TOKEN_CHALLENGE = `${BEARER_CHALLENGE}, error="invalid_token", error_description="The token is expired, malformed or not signed by this service"`;

/** passport-jwt with the prepared KeyObject, HS256 only, expiry enforced. */
export function getJwtAuth(key: KeyObject): {
  requireAuth: RequestHandler;
  /** Authenticates when a token is sent (a bad one is still a 401); passes anonymous requests. */
  optionalAuth: RequestHandler;
  requireRole(...roles: Role[]): RequestHandler;
  /** For the WebSocket upgrade: the user of a valid token, else undefined. */
  verifyToken(token: string): AuthenticatedUser | undefined;
} {
  const authenticator = new passport.Passport();
  authenticator.use(
    new Strategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        secretOrKey: key as unknown as Buffer, // jsonwebtoken accepts a KeyObject; the types lag
        algorithms: ['HS256'],
      },
      (payload: unknown, done: (error: unknown, user?: AuthenticatedUser | false) => void) =>
        done(null, userFromClaims(payload) ?? false),
    ),
  );
  const requireAuth: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    authenticator.authenticate(
      'jwt',
      { session: false },
      (error: unknown, user: AuthenticatedUser | false) => {
        if (error || !user) {
          // RFC 6750: a token that was sent and failed (expired, forged, alg none) is invalid_token.
          const sent = req.headers.authorization !== undefined;
          res.setHeader('WWW-Authenticate', sent ? INVALID_TOKEN_CHALLENGE : BEARER_CHALLENGE);
          return next(
            new ProblemError(401, 'UNAUTHORIZED', 'Unauthorized', 'A valid bearer token is required'),
          );
        }
        req.auth = user;
        next();
      },
    )(req, res, next);
  };
  const optionalAuth: RequestHandler = (req, res, next) => {
    if (req.headers.authorization === undefined) return next();
    requireAuth(req, res, next);
  };
  describeGuard(requireAuth, { auth: 'required' });
  describeGuard(optionalAuth, { auth: 'optional' });
  const requireRole = (...roles: Role[]): RequestHandler =>
    describeGuard(
      (req, _res, next) => {
        if (!req.auth)
          return next(
            new ProblemError(401, 'UNAUTHORIZED', 'Unauthorized', 'A valid bearer token is required'),
          );
        if (!req.auth.roles.some((r) => roles.includes(r))) {
          return next(
            new ProblemError(403, 'FORBIDDEN', 'Forbidden', `This needs the role ${roles.join(' or ')}`),
          );
        }
        next();
      },
      { roles },
    );
  const verifyToken = verifiedTokens((token) => jwt.verify(token, key, { algorithms: ['HS256'] }));
  return { requireAuth, optionalAuth, requireRole, verifyToken };
}

/** Tokens remembered as verified, at most (the oldest is forgotten first). */
const VERIFIED_TOKENS = 10_000;

/**
 * Verification remembered per token: a signature that held once holds forever, so a token seen
 * before costs a map lookup instead of an HMAC and a JSON parse. Its time claims are checked on
 * every use exactly as jsonwebtoken checks them (`nbf` <= now < `exp`, in whole seconds); a
 * token that fails is never remembered.
 */
export function verifiedTokens(verify: (token: string) => unknown) {
  const verified = new Map<string, { user: AuthenticatedUser; notBefore: number; expires: number }>();
  return (token: string): AuthenticatedUser | undefined => {
    const now = Math.floor(Date.now() / 1000);
    const known = verified.get(token);
    if (known) {
      if (known.notBefore <= now && now < known.expires) return known.user;
      verified.delete(token);
    }
    let claims: { exp?: unknown; nbf?: unknown };
    try {
      claims = verify(token) as typeof claims;
    } catch {
      return undefined;
    }
    const user = userFromClaims(claims);
    if (!user) return undefined;
    if (verified.size >= VERIFIED_TOKENS) verified.delete(verified.keys().next().value!);
    verified.set(token, {
      user: Object.freeze(user),
      notBefore: typeof claims.nbf === 'number' ? claims.nbf : -Infinity,
      expires: typeof claims.exp === 'number' ? claims.exp : Infinity,
    });
    return user;
  };
}
