import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths never written to logs: secrets and personal data (author identity, credentials, tokens,
 * post text). Child loggers inherit the redaction.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'author',
  '*.author',
  'text',
  '*.text',
  'secret',
  '*.secret',
  '*.*.secret',
  'WEBHOOK_SENDERS',
  '*.WEBHOOK_SENDERS',
  'req.headers["x-dozor-signature"]',
];

export function createLogger(opts: { level: string; name: string }): Logger {
  return pino({
    name: opts.name,
    level: opts.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  });
}
