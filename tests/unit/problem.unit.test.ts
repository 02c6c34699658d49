import { isTransientError } from '../../src/platform/problem';

describe('isTransientError', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }],
    [{ code: '08006' }],
    [new Error('Connection terminated unexpectedly')],
    [new Error('timeout exceeded when trying to connect')],
  ])('treats %j as transient', (error) => expect(isTransientError(error)).toBe(true));

  it.each([[new Error('boom')], [{ code: '23505' }], [undefined], [null]])('treats %j as a bug', (error) =>
    expect(isTransientError(error)).toBe(false),
  );
});
