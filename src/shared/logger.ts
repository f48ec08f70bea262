import pino, { type Logger } from 'pino';

/** Structured JSON logs on stdout (pino); one logger per process, children per request. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'silta' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
