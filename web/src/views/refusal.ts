/** A refused bid or buy as the page's result line says it: one formatted sentence. */
import { ApiError } from '../api';
import { problemText } from '../format';
import type { BidResult } from './bidding';

export const refusal = (error: unknown, currency: string): BidResult => ({
  kind: 'refused',
  text: problemText(
    error instanceof ApiError ? error.problem : undefined,
    currency,
    (error as Error).message,
  ),
});
