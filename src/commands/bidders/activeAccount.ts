import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { describeGuard, ProblemError } from '../../platform';
import type { BidderAccess } from './bidderAccess';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const suspendedProblem = () =>
  new ProblemError(
    403,
    'ACCOUNT_SUSPENDED',
    'Account suspended',
    'Your account is suspended: you may log in and read, not act',
  );

/**
 * `requireAuth`, then: a suspended user's commands answer 403 ACCOUNT_SUSPENDED (reads pass).
 * Asked of the write side's access index (in memory), a yes confirmed from the user's stream, so
 * it holds for tokens issued before the suspension too, on every instance.
 */
export function requireActiveAccount(requireAuth: RequestHandler, access: Pick<BidderAccess, 'isSuspended'>) {
  const guard: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    void requireAuth(req, res, (error?: unknown) => {
      if (error || !req.auth || READS.has(req.method)) return next(error);
      access.isSuspended(req.auth.userId).then(
        (suspended) => next(suspended ? suspendedProblem() : undefined),
        (failure: unknown) => next(failure),
      );
    });
  };
  return describeGuard(guard, { auth: 'required', problems: { 403: ['ACCOUNT_SUSPENDED'] } });
}
