import pino, { Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; anything that may carry a secret is redacted at the source. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'live-auctions' },
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'req.headers.authorization',
        'headers.authorization',
        'jwtSecret',
        '*.jwtSecret',
      ],
      censor: '[redacted]',
    },
  });
}
