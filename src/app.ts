import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createContext, type Context } from './context';
import { Authenticator } from './modules/auth/authenticate';
import { pendingMigrations } from './db/migrations';
import { buildSiltaSchema } from './schema';
import type { RequestTransaction } from './shared/db/request-transaction';
import { ErrorCode } from './shared/errors';
import { CLIENT_CODES, formatSiltaError } from './shared/format-error';
import { requestInputPlugin } from './shared/input/request-input';
import { clientKey, costLimitPlugin, costSoFar, type LimitsContext, type RequestLimits } from './shared/limits/cost-plugin';
import { createBudgetStore } from './shared/limits/create-budget-store';
import { LimitCode } from './shared/limits/limits.errors';
import { InFlight, requestTimeout, timedOut, unlessTimedOut } from './shared/limits/request-timeout';
import { parseOptions, staticLimitRules } from './shared/limits/static-limits';
import { createHttpLogger } from './shared/logger';
import { compiledReadsPlugin } from './shared/read-plan/read-plan.plugin';
import { ResponseCache, type ResponseCacheContext } from './shared/response-cache/response-cache';
import { DataVersionConnection } from './shared/response-cache/version-reader';
import { feedRoutes } from './modules/feed/feed.routes';
import type { WebhookContext } from './modules/webhook/webhook.service';
import type { ImportContext } from './modules/exchange/import.mutations';
import { corsMiddleware } from './web/cors';
import { webRoutes } from './web/web.routes';
import { startSubscriptionServer } from './web/subscriptions';
import { ActivityNotifier } from './modules/activity/activity.notifier';

export interface AppOptions {
  orm: MikroORM;
  config: Config;
  logger: Logger;
}

export interface App {
  httpServer: http.Server;
  /** The response cache, when RESPONSE_CACHE is on. */
  responseCache?: ResponseCache;
  /** Stops accepting connections, lets in-flight requests finish, then resolves. */
  stop(): Promise<void>;
}

/** What Apollo's resolvers and plugins get: the request context plus the abuse-limit state. */
type AppContext = Context & LimitsContext & WebhookContext & ResponseCacheContext & ImportContext;

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** A caller's own `x-request-id`, when well-formed: kept beside ours for correlation, never trusted as ours. */
function clientRequestIdOf(req: http.IncomingMessage): string | null {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : null;
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

/**
 * Ends each request's transaction just before its answer goes out: committed, or rolled back when
 * the timeout has already told the client that the request failed. A failed commit turns the answer
 * into an internal error, so that no answer claims a change that was not kept.
 */
function requestTransactionPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        // Before any resolver runs: the request's transaction, with the viewer's settings.
        async executionDidStart({ contextValue }) {
          await contextValue.transaction.ensureBegun();
        },
        async willSendResponse({ contextValue, response }) {
          try {
            await contextValue.transaction.finish();
          } catch (error) {
            contextValue.logger.error({ err: error }, 'could not commit the request');
            if (response.body.kind === 'single') {
              response.body.singleResult.data = null;
              response.body.singleResult.errors = [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }];
            }
            response.http.status = 500;
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
  // Behind a reverse proxy, the client IP (anonymous rate limiting) comes from X-Forwarded-For.
  if (config.trustProxyHops > 0) app.set('trust proxy', config.trustProxyHops);
  const { limits } = config;
  // The shared store connects as the serving role too, on a pool of its own (see PostgresBudgetStore).
  const buckets = createBudgetStore(limits, orm.config.get('clientUrl') as string, logger);
  // Subscriptions: one LISTEN connection wakes this instance's subscribers; the log is the truth.
  const notifier = new ActivityNotifier(orm.config.get('clientUrl') as string, logger);
  await notifier.start();
  // Answers to public anonymous queries, served while the data version is unchanged (RESPONSE_CACHE).
  const versionConnection = config.responseCache.enabled ? new DataVersionConnection(orm.config.get('clientUrl') as string, logger) : undefined;
  const responseCache = versionConnection
    ? new ResponseCache(
        {
          maxBytes: config.responseCache.maxBytes,
          readVersion: () => versionConnection.read(),
        },
        buckets,
      )
    : undefined;
  const subscriptions = startSubscriptionServer({ httpServer, schema, orm, authenticator, notifier, buckets, config, logger });

  const apollo = new ApolloServer<AppContext>({
    schema,
    // Apollo's own messages go through the same redacting logger as ours, not straight to the console.
    logger,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT: Apollo would re-send the signal after stopping itself.
    stopOnTerminationSignals: false,
    introspection: config.introspection,
    hideSchemaDetailsFromClientErrors: !config.introspection,
    // One operation per request: batches would share one context (and EntityManager) and one HTTP status.
    allowBatchedHttpRequests: false,
    parseOptions: parseOptions(limits),
    validationRules: staticLimitRules(limits),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Stopping closes the WebSocket subscriptions too (clients resume from their last cursor elsewhere).
      { async serverWillStart() { return { async drainServer() { await subscriptions.dispose(); } }; } },
      // Apollo's own landing page (Sandbox) loads from a CDN; webRoutes serves an explorer that works offline.
      ApolloServerPluginLandingPageDisabled(),
      // Silta sets no cache hints, and the cache-control plugin's willResolveField makes Apollo wrap every
      // field of the schema. No plugin here may add willResolveField (test/integration/read-path.test.ts).
      ApolloServerPluginCacheControlDisabled(),
      errorLoggingPlugin(),
      requestTransactionPlugin(),
      costLimitPlugin<AppContext>({ maxCost: limits.maxCost, buckets }),
      // After the cost plugin: a client over budget hears so first; a refusal here is still charged.
      requestInputPlugin<AppContext>(),
      ...(responseCache ? [responseCache.plugin<AppContext>()] : []),
      // Last: it answers only after every plugin above has checked the operation (didResolveOperation).
      ...(config.compiledReads ? [compiledReadsPlugin<AppContext>()] : []),
    ],
    formatError: (given, error) => formatSiltaError(given, error, { introspection: config.introspection, maxTokens: limits.maxTokens }),
  });
  await apollo.start();

  app.use(
    createHttpLogger(logger, {
      // The request ID in logs and the audit trail is always ours: a client could otherwise forge one.
      genReqId: (req, res) => {
        const id = randomUUID();
        res.setHeader('x-request-id', id);
        const clientRequestId = clientRequestIdOf(req);
        if (clientRequestId) res.setHeader('x-client-request-id', clientRequestId);
        return id;
      },
      customProps: (req) => {
        const clientRequestId = clientRequestIdOf(req);
        return clientRequestId ? { clientRequestId } : {};
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url?.startsWith('/explorer/static/') === true,
    }),
  );

  const cors = corsMiddleware(config.cors);
  if (cors) app.use(cors);
  const inFlight = new InFlight();
  const graphql = expressMiddleware(apollo, {
    context: async ({ req, res }) => {
      const responseCache = res.locals.responseCache as ResponseCacheContext['responseCache'];
      // A candidate for the cache reads the data version first, in its transaction: a change committed
      // after that only makes the stored answer older than its version says, never newer.
      const context = await createContext(orm, authenticator, req.headers.authorization, String(req.id), req.log, limits.requestTimeoutMs, clientRequestIdOf(req), responseCache !== undefined);
      // Known once the transaction has begun (its first statement reads it); taken when the answer is stored.
      if (responseCache) Object.defineProperty(responseCache, 'version', { get: () => context.transaction.dataVersion, configurable: true });
      // The timeout answers outside Apollo: it abandons the transaction and reports the cost from here.
      res.locals.transaction = context.transaction;
      const requestLimits: RequestLimits = { clientKey: clientKey(context.viewer.accountId, req.ip) };
      res.locals.limits = requestLimits;
      return { ...context, limits: requestLimits, webhooks: config.webhooks, responseCache, importMaxBytes: config.importMaxBytes };
    },
  });
  const graphqlStack: express.RequestHandler[] = [
    requestTimeout(limits.requestTimeoutMs, (req, res) => costSoFar(buckets, res.locals.limits as RequestLimits | undefined, clientKey(null, req.ip))),
    express.json({ limit: limits.maxBodyBytes }),
    unlessTimedOut,
    ...(responseCache ? [responseCache.serve()] : []),
    inFlight.track(async (req, res, next) => {
      try {
        await graphql(req, res, next);
        responseCache?.store(res);
      } finally {
        // Whatever happened in between, the connection goes back to the pool (a no-op when committed).
        await (res.locals.transaction as RequestTransaction | undefined)?.rollback();
      }
    }),
  ];
  // Operations sent by POST skip the routers of pages, feeds and health checks (all GET), which every
  // request would otherwise walk; GET operations and other methods reach the same stack below them.
  app.post('/graphql', ...graphqlStack);
  app.use(webRoutes({ schema, introspection: config.introspection }));
  // Atom feeds of the activity log, for readers that do not speak GraphQL (docs/api.md, "Feeds").
  app.use(feedRoutes({ orm, authenticator, config }));

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

  app.use('/graphql', ...graphqlStack);

  // Malformed JSON bodies and oversized requests: a clean GraphQL-shaped 4xx, never a stack trace.
  app.use((error: Error & { status?: number; type?: string }, req: express.Request, res: express.Response, next: express.NextFunction) => {
    // The timeout has answered; this is the abandoned request's late write, which has nowhere to go.
    if (timedOut(res)) return req.log.debug({ err: error }, 'dropped the response of a timed-out request');
    if (res.headersSent) return next(error);
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) req.log.error({ err: error }, 'unhandled error');
    const [message, code]: [string, string] =
      status === 500
        ? ['Internal server error', ErrorCode.INTERNAL_SERVER_ERROR]
        : error.type === 'entity.too.large'
          ? [`The request body is larger than ${limits.maxBodyBytes} bytes`, LimitCode.PAYLOAD_TOO_LARGE]
          : [error.message, 'BAD_REQUEST'];
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  });

  return {
    httpServer,
    responseCache,
    stop: async () => {
      const started = Date.now();
      const timer = setTimeout(() => httpServer.closeAllConnections(), config.shutdownTimeoutMs);
      try {
        await apollo.stop();
        await notifier.stop();
        // Requests the timeout answered may still be executing; they need the database until they end.
        await inFlight.settled(config.shutdownTimeoutMs - (Date.now() - started));
      } finally {
        clearTimeout(timer);
        await buckets.close();
        await versionConnection?.close();
      }
    },
  };
}
