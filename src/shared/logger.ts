import pino, { type DestinationStream, type Logger } from 'pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LevelWithSilent } from 'pino';
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

export interface HttpLoggingOptions {
  /** The request's ID, ours; also the `reqId` of every line the request logs. */
  genReqId: (req: IncomingMessage, res: ServerResponse) => string;
  /** Further bindings of the request's lines (the client's own request ID). */
  customProps?: (req: IncomingMessage) => Record<string, unknown>;
  /** The level of the line written when the response is done. */
  customLogLevel: (req: IncomingMessage, res: ServerResponse, error?: Error) => LevelWithSilent;
  /** Requests that write no such line (health checks, static files). */
  ignore?: (req: IncomingMessage) => boolean;
}

declare module 'http' {
  interface IncomingMessage {
    /** Ours, from `genReqId`. */
    id: string;
    /** The request's logger: every line carries `reqId` (and the bindings of `customProps`). */
    log: Logger;
  }
}

/**
 * Request logging for express, as pino-http writes it (a "request completed" line with the redacted
 * request, the response and the time it took; "request errored" for 5xx), without pino-http: it binds
 * the whole serialised request to a child logger on every request, logged or not, which cost a
 * tenth of a small query's CPU. Here `req.log` binds the request ID, and the request is serialised
 * (and redacted) only into the line written at the end, when its level is enabled.
 */
export function createHttpLogger(logger: Logger, options: HttpLoggingOptions): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  return (req, res, next) => {
    const started = Date.now();
    req.id = options.genReqId(req, res);
    req.log = logger.child({ reqId: req.id, ...options.customProps?.(req) });
    if (!options.ignore?.(req)) {
      const done = (error?: Error): void => {
        res.removeListener('finish', done);
        res.removeListener('close', done);
        const level = options.customLogLevel(req, res, error);
        if (level === 'silent' || !logger.isLevelEnabled(level)) return;
        const line = { req, res, responseTime: Date.now() - started };
        if (error || res.statusCode >= 500) req.log[level]({ ...line, err: error ?? new Error(`failed with status code ${res.statusCode}`) }, 'request errored');
        else req.log[level](line, 'request completed');
      };
      res.once('finish', done);
      res.once('close', done);
    }
    next();
  };
}
