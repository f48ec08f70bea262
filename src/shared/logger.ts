import pino, { type DestinationStream, type Logger } from 'pino';
import { pinoHttp, type HttpLogger, type Options as HttpLoggerOptions } from 'pino-http';
import { REDACTED, redactError, redactRequest, redactResponse, redactText, redactValue } from './redact';

/**
 * The only place loggers are made (eslint bans importing pino elsewhere), so every log line goes
 * through the same redaction: credential headers and fields by name, error objects stripped of the
 * request bodies and client settings they embed, and a last pass over the written line that masks
 * anything shaped like a token, JWT or URL password.
 */

// Declarative paths for the common cases; the serializers below handle any header or field name.
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'variables.input.token',
  'input.token',
  '*.password',
  '*.secret',
  '*.token',
];

const serializers = {
  req: (req: unknown) => redactRequest(pino.stdSerializers.req(req as never)),
  res: (res: unknown) => redactResponse(pino.stdSerializers.res(res as never)),
  err: (err: unknown) => redactError(pino.stdSerializers.err(err as Error)),
};

/** Structured JSON logs on stdout (pino); one logger per process, children per request. Tests pass their own stream. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'silta' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers,
    formatters: {
      level: (label) => ({ level: label }),
      // Fields named like credentials, at any depth (GraphQL variables, inputs, payloads).
      log: (object) => redactValue(object) as Record<string, unknown>,
    },
    hooks: { streamWrite: redactText },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type HttpLoggingOptions = Pick<HttpLoggerOptions, 'genReqId' | 'customProps' | 'customLogLevel' | 'autoLogging'>;

/** Request logging for express: pino-http with the same redaction (it would otherwise log headers in full). */
export function createHttpLogger(logger: Logger, options: HttpLoggingOptions): HttpLogger {
  return pinoHttp({
    ...options,
    logger,
    // pino-http hands these the already-serialized request, response and error.
    serializers: { req: redactRequest, res: redactResponse, err: redactError },
  });
}
