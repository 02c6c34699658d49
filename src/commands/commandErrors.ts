/** The command side's expected failures beyond the decider's rules, each with a stable code. */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(message = 'This Idempotency-Key was used for another request') {
    super(message);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** The auction is too contended or the store too slow right now: the client may retry. */
export class CommandBusyError extends Error {
  readonly code = 'BUSY';
  constructor(message: string) {
    super(message);
    this.name = 'CommandBusyError';
  }
}
