import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Config } from './config';
import { createContext, type Context } from './context';
import { Authenticator } from './modules/auth/authenticate';
import { pendingMigrations } from './db/migrations';
import { buildSiltaSchema } from './schema';
import { ErrorCode } from './shared/errors';

export interface AppOptions {
  orm: MikroORM;
  config: Config;
  logger: Logger;
}

export interface App {
  httpServer: http.Server;
  /** Stops accepting connections, lets in-flight requests finish, then resolves. */
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;
/** Codes that describe the client's request; anything else is masked as an internal error. */
const CLIENT_CODES = new Set<string>([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

function isClientError(error: GraphQLFormattedError): boolean {
  return CLIENT_CODES.has(String(error.extensions?.code ?? ''));
}

/** Masks unexpected errors (no stack, no SQL) and logs them with the request ID. */
function errorLoggingPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (typeof code === 'string' && CLIENT_CODES.has(code)) continue;
            contextValue.logger.error({ err: error.originalError ?? error, path: error.path }, 'unexpected error in a GraphQL request');
          }
        },
      };
    },
  };
}

/** Builds the HTTP server with Apollo and the health endpoints; does not listen (tests and main do). */
export async function createApp({ orm, config, logger }: AppOptions): Promise<App> {
  const schema = await buildSiltaSchema();
  const authenticator = new Authenticator(config.oidc);
  const app = express();
  const httpServer = http.createServer(app);
  app.disable('x-powered-by');

  const apollo = new ApolloServer<Context>({
    schema,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT: Apollo would re-send the signal after stopping itself.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), errorLoggingPlugin()],
    formatError: (formatted, error) => {
      if (isClientError(formatted)) return formatted;
      const original = error instanceof GraphQLError ? error : undefined;
      return {
        message: 'Internal server error',
        locations: formatted.locations,
        path: formatted.path ?? original?.path,
        extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
      };
    },
  });
  await apollo.start();

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (req, res) => {
    try {
      await orm.em.getConnection().execute('select 1');
      const pending = await pendingMigrations(orm);
      if (pending.length > 0) {
        res.status(503).json({ status: 'migrations pending', pending });
        return;
      }
      res.json({ status: 'ready' });
    } catch (error) {
      req.log.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'database unreachable' });
    }
  });

  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => createContext(orm, authenticator, req.headers.authorization, String(req.id), req.log),
    }),
  );

  // Malformed JSON bodies and oversized requests: a clean GraphQL-shaped 4xx, never a stack trace.
  app.use((error: Error & { status?: number; type?: string }, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) req.log.error({ err: error }, 'unhandled error');
    res.status(status).json({
      errors: [
        {
          message: status === 500 ? 'Internal server error' : error.message,
          extensions: { code: status === 500 ? ErrorCode.INTERNAL_SERVER_ERROR : 'BAD_REQUEST' },
        },
      ],
    });
  });

  return {
    httpServer,
    stop: async () => {
      const timer = setTimeout(() => httpServer.closeAllConnections(), config.shutdownTimeoutMs);
      try {
        await apollo.stop();
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
